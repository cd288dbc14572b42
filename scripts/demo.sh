#!/usr/bin/env bash
# `npm run demo`: the whole loop on a seeded CoSto Pack campaign, its channels on the six networks'
# local emulators (test/emulators/demo-server.ts, started and stopped here).
# Installs dependencies if needed, makes sure of PostgreSQL and Redis, builds, migrates, seeds,
# then runs the API and one worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
eval "$(bash scripts/services.sh ensure)"

# The demo has its own database on that server, created once and kept between runs.
admin_url="$DATABASE_URL"
demo_db="${CHORUS_DEMO_DATABASE:-chorus_demo}"
node -e '
const { Client } = require("pg");
const [admin, db] = process.argv.slice(1);
(async () => {
  const c = new Client({ connectionString: admin });
  await c.connect();
  const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]);
  if (!r.rowCount) { await c.query(`CREATE DATABASE "${db}"`); console.error(`[demo] created database ${db}`); }
  await c.end();
})().catch((e) => { console.error(e.message); process.exit(1); });
' "$admin_url" "$demo_db"
DATABASE_URL=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$admin_url" "$demo_db")
export DATABASE_URL

# A stable demo key kept in the ignored .services folder (never a real deployment's key).
mkdir -p .services
[ -f .services/demo-secret ] || node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))' > .services/demo-secret
export CHORUS_SECRET_KEY="${CHORUS_SECRET_KEY:-$(cat .services/demo-secret)}"
export REDIS_PREFIX="${REDIS_PREFIX:-chorus-demo}"
export PORT="${PORT:-3000}"
export PUBLIC_URL="${PUBLIC_URL:-http://localhost:$PORT}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# Demo pace: poll followers every 5 minutes (6 hours in production), reconcile every 5 s.
export ANALYTICS_SNAPSHOT_INTERVAL_MINUTES="${ANALYTICS_SNAPSHOT_INTERVAL_MINUTES:-5}"
export RECONCILE_INTERVAL_MS="${RECONCILE_INTERVAL_MS:-5000}"
# Per-post figures read 2 and 10 minutes after publication as well, so the demo shows reach within minutes.
export ANALYTICS_POST_METRIC_AGES="${ANALYTICS_POST_METRIC_AGES:-2m,10m,1h,24h,7d,28d}"
export ANALYTICS_POST_METRIC_TICK_MS="${ANALYTICS_POST_METRIC_TICK_MS:-30000}"
# /metrics: a random token kept beside the demo key; the worker's port follows PORT (3000 -> 9464).
[ -f .services/demo-metrics-token ] || node -e 'console.log(require("crypto").randomBytes(24).toString("base64url"))' > .services/demo-metrics-token
export METRICS_TOKEN="${METRICS_TOKEN:-$(cat .services/demo-metrics-token)}"
export WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-$((PORT + 6464))}"

# The six network emulators, one process on 127.0.0.1, ports DEMO_EMULATORS_PORT..+5. The real
# adapters talk to them; the demo's channels are real X, Facebook, Instagram, LinkedIn, Mastodon
# and Bluesky channels there (src/demo/demo-accounts.ts).
emu_port="${DEMO_EMULATORS_PORT:-$((PORT + 1000))}"
emu() { echo "http://127.0.0.1:$((emu_port + $1))"; }
export DEMO_EMULATORS_PORT="$emu_port"
export X_API_BASE_URL="$(emu 0)" X_WEB_URL="$(emu 0)"
export FACEBOOK_API_BASE_URL="$(emu 1)" FACEBOOK_WEB_URL="$(emu 1)" INSTAGRAM_API_BASE_URL="$(emu 2)" DEMO_MEDIA_BASE_URL="$(emu 2)"
export LINKEDIN_API_BASE_URL="$(emu 3)" LINKEDIN_WEB_URL="$(emu 3)" DEMO_MASTODON_URL="$(emu 4)"
export BLUESKY_API_BASE_URL="$(emu 5)" BLUESKY_PLC_DIRECTORY_URL="$(emu 5)" BLUESKY_WEB_URL="$(emu 5)"
# Local servers only: media, link cards and did:web documents come from 127.0.0.1 (the emulators,
# the demo's own short links), and the Mastodon instance and Bluesky PDS are local too. Never set
# these two in production: they turn off the private-address checks.
export MEDIA_ALLOW_PRIVATE_HOSTS="${MEDIA_ALLOW_PRIVATE_HOSTS:-true}"
export OUTBOUND_ALLOW_PRIVATE_HOSTS="${OUTBOUND_ALLOW_PRIVATE_HOSTS:-true}"
node -r ts-node/register/transpile-only test/emulators/demo-server.ts > .services/demo-emulators.log 2>&1 & emulators=$!
trap 'kill $emulators 2>/dev/null; wait' INT TERM EXIT
for _ in $(seq 1 100); do
  grep -q ready .services/demo-emulators.log 2>/dev/null && break
  kill -0 $emulators 2>/dev/null || { cat .services/demo-emulators.log; exit 1; }
  sleep 0.3
done

echo "[demo] building"
npm run --silent build >/dev/null
npm run --silent migration:run:dist > .services/demo-migrations.log 2>&1 || { cat .services/demo-migrations.log; exit 1; }
node dist/demo/seed.js

node dist/main.js & api=$!
# The worker runs with the node flags of `npm run start:worker` (package.json), started directly so
# that the trap's kill reaches it.
$(node -p 'require("./package.json").scripts["start:worker"]') & worker=$!
trap 'kill $api $worker $emulators 2>/dev/null; wait' INT TERM EXIT
for _ in $(seq 1 100); do
  if node -e 'require("http").get(process.argv[1], (r) => process.exit(r.statusCode < 500 ? 0 : 1)).on("error", () => process.exit(1))' "http://127.0.0.1:$PORT/health"; then break; fi
  sleep 0.3
done
cat <<MSG

  Chorus demo is running: http://localhost:$PORT  (web pages: http://localhost:$PORT/app)
  API documentation:      http://localhost:$PORT/docs
  Health:                 http://localhost:$PORT/health
  Metrics (Prometheus):   curl -H "Authorization: Bearer \$(cat .services/demo-metrics-token)" http://localhost:$PORT/metrics
                          worker: http://localhost:$WORKER_METRICS_PORT/metrics (same token)
  Queue dashboard:        http://localhost:$PORT/admin/queues (managers)
  Sign in as the community manager: manager@demo.chorus.local
          as a partner (e.g.):      petitscommerces@demo.chorus.local, bastina@demo.chorus.local
          as the review group:      revue@demo.chorus.local
  Password for every demo user:     costo-demo-2026
  The first posts go out 2 and 4 minutes after the seed; follower counts are polled every few minutes.
  Networks: local emulators of X, Facebook, Instagram, LinkedIn, Mastodon and Bluesky on ports
  $emu_port-$((emu_port + 5)); each published delivery links to its post's page there.

  Press Ctrl-C to stop (the database "$demo_db" is kept; "npm run services stop" stops private services).

MSG
wait
