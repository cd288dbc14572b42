#!/usr/bin/env bash
# Installs the locked dependencies when node_modules is missing or older than the lock file.
# Sourced by scripts/test.sh, scripts/demo.sh and scripts/bench.sh.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
