#!/usr/bin/env bash
# Runs every test project. Installs Debian's Chromium for the end-to-end tests when it is missing.
# The last line is the total over all projects: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the end-to-end tests..."
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium with apt-get; set CHROMIUM_PATH to a Chromium binary." >&2; exit 1; }
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
dotnet test BackOffice.sln --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tr -d ' ' | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 }
  END {
    line = passed " passed, " failed " failed"
    if (skipped > 0) line = line ", " skipped " skipped"
    print line
  }'
rm -f "$log"
exit "$status"
