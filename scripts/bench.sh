#!/usr/bin/env bash
# `npm run bench`: runs every bench/<name>/index.ts (each creates and drops its own database).
# Each prints its figures and, as its last line, `BENCH {json}`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
eval "$(bash scripts/services.sh ensure)"
# Benchmarks run the worker as production does (the compiled dist/worker.js, with the node flags of
# npm run start:worker), so build it first.
npx nest build
status=0
for bench in bench/*/index.ts; do
  [ -e "$bench" ] || continue
  echo "== $bench"
  TS_NODE_TRANSPILE_ONLY=1 npx ts-node "$bench" || status=1
done
exit $status
