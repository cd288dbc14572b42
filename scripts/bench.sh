#!/usr/bin/env bash
# `npm run bench`: runs every bench/<name>/index.ts (each creates and drops its own database);
# `npm run bench -- publish indicators` runs only the benches named.
# Each prints its figures and, as its last line, `BENCH {json}`.
set -euo pipefail
cd "$(dirname "$0")/.."
for name in "$@"; do
  [ -e "bench/$name/index.ts" ] || { echo "no bench named $name (bench/$name/index.ts)" >&2; exit 2; }
done
source scripts/ensure-deps.sh
eval "$(bash scripts/services.sh ensure)"
# Benchmarks run the worker as production does (the compiled dist/worker.js, with the node flags of
# npm run start:worker), so build it first. The benches themselves run compiled too (dist-bench/):
# under ts-node, Node's repl and domain modules are loaded, and domain wraps every EventEmitter call
# of the process, which would tax the network emulator that bench/publish serves from its own process.
npx nest build
rm -rf dist-bench
npx tsc -p tsconfig.bench.json
status=0
for bench in bench/*/index.ts; do
  [ -e "$bench" ] || continue
  name=$(basename "$(dirname "$bench")")
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  echo "== $bench"
  node "dist-bench/${bench%.ts}.js" || status=1
done
exit $status
