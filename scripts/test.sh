#!/usr/bin/env bash
# Runs every test project on SQLite, then the integration tests again on PostgreSQL (a throwaway server, see
# scripts/postgres.sh). Installs Debian's Chromium and PostgreSQL when they are missing.
# The last line is the total over all runs: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the end-to-end tests..."
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || { echo "Could not install chromium with apt-get; set CHROMIUM_PATH to a Chromium binary." >&2; exit 1; }
fi

source scripts/postgres.sh
postgres_start || { echo "Could not start PostgreSQL for the tests." >&2; exit 1; }
trap postgres_stop EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp)
dotnet test BackOffice.sln --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "Integration tests on PostgreSQL:"
BACKOFFICE_TEST_DATABASE=PostgreSql dotnet test tests/BackOffice.Web.Tests --no-build --nologo 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -ne 0 ] && status=1

grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tr -d ' ' | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 }
  END {
    line = passed " passed, " failed " failed"
    if (skipped > 0) line = line ", " skipped " skipped"
    print line
  }'
rm -f "$log"
exit "$status"
