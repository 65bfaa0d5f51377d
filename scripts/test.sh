#!/usr/bin/env bash
# Sets up and runs every CoStream test project; the last line is "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
LOG_DIR="$(mktemp -d)"
for proj in "$ROOT"/tests/*/*.csproj; do
  name="$(basename "$proj" .csproj)"
  log="$LOG_DIR/$name.log"
  echo "== $name"
  # Inside a namespace with only loopback: browsers and servers cannot reach any other address.
  "$ROOT/scripts/netns-run.sh" dotnet test "$proj" -c Release --no-build -nologo --logger "console;verbosity=normal" > "$log" 2>&1
  rc=$?
  grep -E '^\s*(Failed|Skipped) CoStream\.|Total tests|Passed!|Failed!' "$log" || true
  p=$(grep -Eo 'Passed: +[0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo 'Failed: +[0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  if [ "${f:-0}" -gt 0 ]; then grep -E -A20 '^\s*Failed CoStream\.' "$log" | head -200; fi
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; echo "$name: test run failed (exit $rc)"; tail -30 "$log"; fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
