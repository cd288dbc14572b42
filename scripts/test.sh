#!/usr/bin/env bash
# `npm test`: everything CI runs. Installs dependencies when missing, makes sure PostgreSQL and
# Redis are there (scripts/services.sh), type-checks, then runs every jest suite (unit specs
# beside the code, integration and end-to-end suites under test/, then the browser suite) against
# fresh databases.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
eval "$(bash scripts/services.sh ensure)"
export CHORUS_TEST_ADMIN_DATABASE_URL="$DATABASE_URL"
npx tsc --noEmit -p tsconfig.json
if [ $# -gt 0 ]; then
  npx jest "$@"
else
  # The browser suite runs on its own, after the rest: on 2 cores it should not share the CPU
  # with the crash tests' child workers.
  npx jest --testPathIgnorePatterns '<rootDir>/test/web/'
  # The browser suite drives Debian's chromium; install it here, outside jest's time limits.
  if [ ! -x /usr/bin/chromium ]; then
    echo "[test] installing Debian's chromium for the browser tests" >&2
    flock /tmp/chorus-chromium.lock sh -c 'test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)' >&2
  fi
  npx jest test/web
fi
