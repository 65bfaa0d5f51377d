#!/usr/bin/env bash
# Installs everything CoStream needs on a fresh Debian 12 machine, idempotently:
# Debian packages (Chromium for the browser tests, nginx + RTMP module, Janus as a peer SFU,
# FFmpeg and libopus libraries, PostgreSQL for the commerce ledger's tests), the web client's npm packages and the .NET build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_PACKAGES=(chromium nginx libnginx-mod-rtmp janus ffmpeg libavcodec59 libavutil57 libswscale6 libx264-164 libopus0 iproute2 ca-certificates postgresql)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$ROOT/web-client/node_modules/@microsoft/signalr/dist/browser/signalr.min.js" ]; then
  echo "setup: installing web-client npm packages"
  (cd "$ROOT/web-client" && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "setup: building CoStream"
dotnet build "$ROOT/CoStream.sln" -c Release -nologo -v quiet -clp:ErrorsOnly
