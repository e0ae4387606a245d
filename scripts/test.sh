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
# SWITCHYARD_REQUIRE_SERVERS: tests that need a server or a client runtime fail instead of skipping.
export SWITCHYARD_REQUIRE_SERVERS=1
dotnet test Switchyard.slnx -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@"
