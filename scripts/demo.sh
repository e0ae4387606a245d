#!/usr/bin/env bash
# Runs the Switchyard demo on a fresh machine: builds the CLI and starts `switchyard demo` (Ctrl-C to stop).
# Extra arguments go to the demo, e.g. scripts/demo.sh --once
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Switchyard.Cli -c Release -- demo "$@"
