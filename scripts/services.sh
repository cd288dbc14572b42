#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis are there for the demo and the tests.
#   scripts/services.sh ensure   -> prints `export DATABASE_URL=… REDIS_URL=…` lines (also kept in .services/env)
#   scripts/services.sh stop     -> stops the private instances this script started (nothing else)
#   scripts/services.sh pgbouncer HOST PORT -> a private PgBouncer in transaction pooling mode in front
#                                of that PostgreSQL, for the tests that check Chorus behind one; prints its URL
# Order of preference: DATABASE_URL / REDIS_URL when set; the local default ports when they answer;
# otherwise private instances under .services/ on spare ports (installed from Debian's packages
# with apt-get when missing; we run as root, so PostgreSQL runs as the `postgres` user).
# CHORUS_SERVICES_PRIVATE=1 skips the default ports (to try the private path on a machine that has them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.services"
mkdir -p "$dir"
PG_PORT="${CHORUS_PRIVATE_PG_PORT:-55432}"
REDIS_PORT="${CHORUS_PRIVATE_REDIS_PORT:-56379}"
# One PgBouncer per checkout, on a port derived from the path.
PGBOUNCER_PORT="${CHORUS_PRIVATE_PGBOUNCER_PORT:-$((56433 + $(printf '%s' "$root" | cksum | cut -d' ' -f1) % 500))}"
# PgBouncer runs as postgres, which may not traverse the checkout (a clone under a 0700 temporary
# folder): its config and files live in a folder of their own under /tmp, one per port.
PGBOUNCER_DIR="/tmp/chorus-pgbouncer-$PGBOUNCER_PORT"

log() { echo "[services] $*" >&2; }
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then log "need root to apt-get install $*"; exit 1; fi
  log "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq "$@" >&2
}

pg_bin() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$b"
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  if [ -z "${CHORUS_SERVICES_PRIVATE:-}" ] && answers 127.0.0.1 5432; then echo "postgres://postgres@127.0.0.1:5432/postgres"; return; fi
  if answers 127.0.0.1 "$PG_PORT"; then echo "postgres://postgres@127.0.0.1:$PG_PORT/postgres"; return; fi
  local bin; bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then apt_install postgresql; bin=$(pg_bin); fi
  local data="$dir/pg"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown postgres:postgres "$data"
    log "initialising a private PostgreSQL in $data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >&2
  fi
  chown -R postgres:postgres "$data"
  log "starting the private PostgreSQL on port $PG_PORT"
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1" start >&2
  echo "postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then echo "$REDIS_URL"; return; fi
  if [ -z "${CHORUS_SERVICES_PRIVATE:-}" ] && answers 127.0.0.1 6379; then echo "redis://127.0.0.1:6379"; return; fi
  if answers 127.0.0.1 "$REDIS_PORT"; then echo "redis://127.0.0.1:$REDIS_PORT"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$dir/redis"
  log "starting a private Redis on port $REDIS_PORT"
  # hz 100: a delayed job is woken on Redis' timer tick, ten times a second at the default hz 10 (bench/README.md).
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --hz 100 --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" >&2
  for _ in $(seq 1 50); do answers 127.0.0.1 "$REDIS_PORT" && break; sleep 0.1; done
  echo "redis://127.0.0.1:$REDIS_PORT"
}

# Debian's pgbouncer, with a private config in PGBOUNCER_DIR (the package's own service,
# if any, is left alone). Trust authentication on 127.0.0.1 only, like the private PostgreSQL.
ensure_pgbouncer() {
  local host="$1" port="$2" d="$PGBOUNCER_DIR"
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || apt_install pgbouncer
  local bin; bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  mkdir -p "$d"
  echo '"postgres" ""' > "$d/userlist.txt"
  cat > "$d/pgbouncer.ini" <<INI
[databases]
* = host=$host port=$port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $d/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
# The API asks for its statement timeout as a startup parameter, which transaction pooling cannot
# keep per client: PgBouncer is told to accept it (see the README, PgBouncer).
ignore_startup_parameters = extra_float_digits,statement_timeout
logfile = $d/pgbouncer.log
pidfile = $d/pgbouncer.pid
INI
  # PgBouncer refuses to run as root.
  chown -R postgres:postgres "$d"
  if [ -f "$d/pgbouncer.pid" ] && kill -0 "$(cat "$d/pgbouncer.pid")" 2>/dev/null; then
    if answers 127.0.0.1 "$PGBOUNCER_PORT"; then
      kill -HUP "$(cat "$d/pgbouncer.pid")"  # ours, already running: reload the config written above
      echo "postgres://postgres@127.0.0.1:$PGBOUNCER_PORT"; return
    fi
    kill "$(cat "$d/pgbouncer.pid")"; sleep 1  # ours, on another port: start again
  fi
  log "starting a private PgBouncer (transaction pooling) on port $PGBOUNCER_PORT"
  runuser -u postgres -- "$bin" -d "$d/pgbouncer.ini" >&2
  for _ in $(seq 1 50); do answers 127.0.0.1 "$PGBOUNCER_PORT" && break; sleep 0.1; done
  echo "postgres://postgres@127.0.0.1:$PGBOUNCER_PORT"
}

case "${1:-ensure}" in
  ensure)
    db=$(ensure_postgres)
    redis=$(ensure_redis)
    { echo "export DATABASE_URL='$db'"; echo "export REDIS_URL='$redis'"; } | tee "$dir/env"
    ;;
  stop)
    if [ -f "$dir/pg/postmaster.pid" ]; then
      runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast stop >&2 || true
    fi
    if [ -f "$dir/redis/redis.pid" ]; then kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true; fi
    if [ -f "$PGBOUNCER_DIR/pgbouncer.pid" ]; then kill "$(cat "$PGBOUNCER_DIR/pgbouncer.pid")" 2>/dev/null || true; fi
    ;;
  pgbouncer)
    ensure_pgbouncer "${2:?host}" "${3:?port}"
    ;;
  *) echo "usage: $0 ensure|stop|pgbouncer HOST PORT" >&2; exit 2 ;;
esac
