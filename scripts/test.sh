#!/usr/bin/env bash
# Sets up and runs the whole test suite on a fresh Debian machine with the .NET SDK and Node.
# What it installs: the npm packages of the conformance clients (tests/conformance/node), and Debian's chromium for the
# dashboard's browser tests (apt-get, with sudo when not root; skipped when /usr/bin/chromium is there). The dashboard's
# own npm package (chart.js) is installed by the build (src/Switchyard.Dashboard runs npm ci when node_modules is missing).
# Redis: Debian's redis-server (installed when missing), started on 127.0.0.1 on a free port without persistence for the
# limits and cache tests (SWITCHYARD_TEST_REDIS), and stopped when the script ends.
# PostgreSQL (Debian's package, installed when missing) runs as a private cluster on 127.0.0.1 for the store tests
# (scripts/postgres.sh), stopped and removed at the end; SWITCHYARD_TEST_POSTGRES set beforehand uses that server instead.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> npm packages for the conformance clients"
(cd tests/conformance/node && npm ci --no-audit --no-fund --loglevel=error)

echo "==> chromium for the dashboard's browser tests (Debian's package: Playwright never downloads a browser)"
if [ -x /usr/bin/chromium ]; then
  echo "already installed: /usr/bin/chromium"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Whatever this script starts is stopped when it ends, however it ends.
stop_redis() { :; }
stop_postgres() { :; }
trap 'stop_redis; stop_postgres' EXIT

echo "==> redis-server for the shared limits and the response cache (Debian's package)"
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then
  echo "already installed: $(command -v redis-server)"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
redis_port=""
for port in $(seq 16379 16479); do
  # A port nobody answers on (bash's /dev/tcp connects; a refusal means it is free).
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then redis_port=$port; break; fi
done
if [ -z "$redis_port" ]; then echo "no free port for redis-server in 16379-16479" >&2; exit 1; fi
redis_dir=$(mktemp -d)
redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
  --dir "$redis_dir" --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
stop_redis() { redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$redis_dir"; }
for _ in $(seq 1 50); do
  if redis-cli -p "$redis_port" ping 2>/dev/null | grep -q PONG; then break; fi
  sleep 0.1
done
redis-cli -p "$redis_port" ping | grep -q PONG || { echo "redis-server did not start:" >&2; cat "$redis_dir/redis.log" >&2; exit 1; }
export SWITCHYARD_TEST_REDIS="127.0.0.1:$redis_port"
echo "redis-server on $SWITCHYARD_TEST_REDIS"

echo "==> PostgreSQL for the store tests (Debian's package; a private cluster on 127.0.0.1)"
if [ -n "${SWITCHYARD_TEST_POSTGRES:-}" ]; then
  echo "using SWITCHYARD_TEST_POSTGRES from the environment"
else
  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-pg.XXXXXX")
  chmod 755 "$pgdir"
  stop_postgres() { scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
  SWITCHYARD_TEST_POSTGRES=$(scripts/postgres.sh start "$pgdir" | tail -n 1)
  export SWITCHYARD_TEST_POSTGRES
  echo "started: $SWITCHYARD_TEST_POSTGRES"
fi

echo "==> build (warnings are errors)"
dotnet build Switchyard.slnx -c Release -warnaserror -nologo -clp:ErrorsOnly

echo "==> tests"
log=$(mktemp)
status=0
dotnet test Switchyard.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log" || status=$?
# One closing line for the whole suite, summed over the test projects.
# A test host that crashed reports only what ran before it: say so, rather than a clean-looking count.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     /Test Run Aborted/ { a++ }
     END { printf "%d passed, %d failed, %d skipped%s\n", p, f, s, (a > 0 ? sprintf(", %d test run(s) ABORTED (a test host crashed: see above)", a) : "") }' "$log"
rm -f "$log"
echo "Dashboard screenshots: tests/Switchyard.Dashboard.Tests/bin/Release/net10.0/artifacts/dashboard/"
exit "$status"
