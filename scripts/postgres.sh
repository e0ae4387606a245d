#!/usr/bin/env bash
# A private PostgreSQL cluster on 127.0.0.1 for the tests, from Debian's package (installed when missing).
#
#   scripts/postgres.sh start DIR   initialises a cluster in DIR (when it has none), starts it on a free port, creates the
#                                   database switchyard_test, and prints the connection string on stdout (last line)
#   scripts/postgres.sh stop DIR    stops it (the files stay; rm -rf DIR removes them)
#
# The cluster belongs to the user running this script; as root it belongs to Debian's `postgres` user (PostgreSQL refuses
# to run as root), through runuser. Authentication is `trust` on 127.0.0.1 only, and fsync is off: test data, not data to
# keep. scripts/test.sh starts one, exports SWITCHYARD_TEST_POSTGRES for the tests and stops it at the end.
set -euo pipefail

action=${1:-}
dir=${2:-}
if [ -z "$action" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(bindir)" ]; then
  echo "==> installing PostgreSQL (Debian's package)" >&2
  $sudo apt-get update -qq >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # The package starts its own cluster on 5432; the tests use their private one, so leave that alone.
fi
bin=$(bindir)

# Runs a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U switchyard --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    port=54329
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    # Many test classes run at once, each with a small pool of its own: 300 connections leave room.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U switchyard -d postgres -v ON_ERROR_STOP=1 -qtAc \
      "SELECT 1 FROM pg_database WHERE datname = 'switchyard_test'" | grep -q 1 \
      || as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U switchyard switchyard_test
    echo "Host=127.0.0.1;Port=$port;Username=switchyard;Database=switchyard_test"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
    fi
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
