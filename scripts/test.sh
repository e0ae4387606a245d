#!/usr/bin/env bash
# Sets up and runs the whole test suite on a fresh Debian machine with the .NET SDK and Node.
# What it installs: the npm packages of the conformance clients (tests/conformance/node).
# The suite needs no other server yet; later servers (PostgreSQL, Redis, Chromium) are installed and started here.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> npm packages for the conformance clients"
(cd tests/conformance/node && npm ci --no-audit --no-fund --loglevel=error)

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
exit "$status"
