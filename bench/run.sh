#!/usr/bin/env bash
# Switchyard benchmark: installs what it needs, builds, and prints one table comparing Switchyard with the upstream
# alone, nginx and Portkey on this machine (also written to bench/results/latest.md). See bench/README.md.
#   bench/run.sh                      # 10 s runs after 3 s of warm-up (a few minutes)
#   bench/run.sh --quick              # smoke run: 3 s runs after 1 s
#   bench/run.sh --no-pin --duration 20 --targets switchyard,nginx
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

for arg in "$@"; do
  case "$arg" in
    -h|--help|-\?)
      dotnet build -c Release -nologo -v q bench/Switchyard.Bench >/dev/null
      exec dotnet bench/Switchyard.Bench/bin/Release/net10.0/Switchyard.Bench.dll --help ;;
  esac
done

# 1. wrk and nginx from Debian, only if missing (a fresh machine has neither).
have_nginx() { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }
if ! command -v wrk >/dev/null 2>&1 || ! have_nginx; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/run.sh: wrk and nginx are needed; run as root, or: sudo apt-get install -y wrk nginx-light" >&2
    exit 1
  fi
  echo "Installing wrk and nginx-light with apt-get..."
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk nginx-light
fi

# 2. The Node peer, exactly as locked. Install scripts are skipped: Portkey's postinstall (patch-package) has no
#    patches to apply in the published package, and newer npm versions skip it anyway.
peers="$here/peers"
if command -v npm >/dev/null 2>&1; then
  if ! cmp -s "$peers/package-lock.json" "$peers/node_modules/.bench-installed-lock.json"; then
    echo "Installing the Node peers (npm ci)..."
    (cd "$peers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp "$peers/package-lock.json" "$peers/node_modules/.bench-installed-lock.json"
  fi
else
  echo "bench/run.sh: npm not found; Portkey will be reported as not measured." >&2
fi

# 3. The gateway and the harness, in Release (warnings are errors, as everywhere in the repo).
echo "Building switchyard and the harness (Release)..."
dotnet build -c Release -nologo -v q src/Switchyard.Cli
dotnet build -c Release -nologo -v q bench/Switchyard.Bench

# 4. Run. The harness stops every process it starts, on failure and on Ctrl-C too.
command_line="bench/run.sh"
for arg in "$@"; do
  command_line+=" $(printf '%q' "$arg")"
done
exec dotnet bench/Switchyard.Bench/bin/Release/net10.0/Switchyard.Bench.dll --command "$command_line" "$@"
