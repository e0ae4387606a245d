#!/usr/bin/env bash
# Sets up and runs the whole test suite on a fresh Debian machine with the .NET SDK and Node.
# What it installs: the npm packages of the conformance clients (tests/conformance/node), and Debian's chromium for the
# dashboard's browser tests (apt-get, with sudo when not root; skipped when /usr/bin/chromium is there). The dashboard's
# own npm package (chart.js) is installed by the build (src/Switchyard.Dashboard runs npm ci when node_modules is missing).
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

echo "==> PostgreSQL for the store tests (Debian's package; a private cluster on 127.0.0.1)"
if [ -n "${SWITCHYARD_TEST_POSTGRES:-}" ]; then
  echo "using SWITCHYARD_TEST_POSTGRES from the environment"
else
  pgdir=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-pg.XXXXXX")
  chmod 755 "$pgdir"
  trap 'scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
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
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
echo "Dashboard screenshots: tests/Switchyard.Dashboard.Tests/bin/Release/net10.0/artifacts/dashboard/"
exit "$status"
