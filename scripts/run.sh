#!/usr/bin/env bash
# Sets up and runs the whole CoStream system on its embedded defaults (one process).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
exec dotnet "$ROOT/signaling/CoStream.Signaling/bin/Release/net10.0/CoStream.Signaling.dll" "$@"
