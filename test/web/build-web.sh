#!/usr/bin/env bash
# Builds the web pages when web/dist is missing or older than their sources. Under a lock, so
# parallel jest workers never rebuild (and empty web/dist) while another one serves it.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec flock /tmp/chorus-web-build.lock bash -c '
  if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.mts web/tsconfig.json src/campaigns/posts/validation src/channels/network.ts -newer web/dist/index.html -print -quit)" ]; then
    npx vite build --config web/vite.config.mts --logLevel warn
  fi'
