#!/usr/bin/env bash
# `npm run bench`: runs every bench/<name>/index.ts (each creates and drops its own database);
# `npm run bench -- publish indicators` runs only those. Each prints its figures and, as its last
# line, `BENCH {json}`.
set -euo pipefail
cd "$(dirname "$0")/.."
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
if [ $# -gt 0 ]; then
  benches=()
  for name in "$@"; do
    if [ ! -e "bench/$name/index.ts" ]; then echo "no bench named $name (bench/$name/index.ts)" >&2; exit 2; fi
    benches+=("bench/$name/index.ts")
  done
else
  benches=(bench/*/index.ts)
fi
for bench in "${benches[@]}"; do
  [ -e "$bench" ] || continue
  echo "== $bench"
  node "dist-bench/${bench%.ts}.js" || status=1
done
exit $status
