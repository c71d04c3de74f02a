#!/usr/bin/env bash
# Builds once, then runs every test project on SQLite and, at the same time, the integration tests again on
# PostgreSQL (a throwaway server, see scripts/postgres.sh). Installs Debian's Chromium and PostgreSQL when they are
# missing. Ends with the time taken, the 15 slowest tests and, as the last line, the total over all runs:
# "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

# The end-to-end tests drive Debian's headless shell: the same engine as chromium without the full browser's UI
# processes, which cost about a fifth of the end-to-end tests' CPU.
if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium-headless-shell ]; then
  echo "Installing Chromium's headless shell for the end-to-end tests..."
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium-headless-shell >/dev/null \
    || { echo "Could not install chromium-headless-shell with apt-get; set CHROMIUM_PATH to a Chromium binary." >&2; exit 1; }
fi

source scripts/postgres.sh
postgres_start || { echo "Could not start PostgreSQL for the tests." >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results=$(mktemp -d)
trap 'postgres_stop; rm -rf "$results"' EXIT

dotnet build BackOffice.sln --nologo -v q > "$results/build.log" 2>&1 || { cat "$results/build.log"; echo "0 passed, 1 failed"; exit 1; }
# The integration tests on PostgreSQL run beside the rest: each spends much of its time waiting (for a browser, a
# sandbox, a database), so the passes share the two cores.
# Only the tests that reach a database run again there: their trait (Uses=Database) marks them, and SuiteTests checks that
# every test that reaches one carries it. They run as two halves at once, split by feature (the second half is what
# the first does not name, so every test runs once): one serial pass went on alone for minutes after the rest.
first_half=(Transactions ECommPay Computop Jobs)
in_first=$(printf 'FullyQualifiedName~.Features.%s.|' "${first_half[@]}")
not_in_first=$(printf '&FullyQualifiedName!~.Features.%s.' "${first_half[@]}")
postgresql=()
for half in 1 2; do
  filter="Uses=Database&(${in_first%|})"
  [ "$half" = 2 ] && filter="Uses=Database$not_in_first"
  BACKOFFICE_TEST_DATABASE=PostgreSql dotnet test tests/BackOffice.Web.Tests --no-build --nologo --filter "$filter" \
    --logger "trx;LogFileName=postgresql-$half.trx" --results-directory "$results" > "$results/postgresql-$half.log" 2>&1 &
  postgresql+=($!)
done
dotnet test BackOffice.sln --no-build --nologo --logger trx --results-directory "$results" 2>&1 | tee "$results/tests.log"
status=${PIPESTATUS[0]}
for pass in "${postgresql[@]}"; do
  wait "$pass" || status=1
done
echo "Integration tests on PostgreSQL:"
cat "$results"/postgresql-*.log
log="$results/all.log"
cat "$results/tests.log" "$results"/postgresql-*.log > "$log"

elapsed=$(( $(date +%s) - started ))
echo "Time: $(( elapsed / 60 )) min $(( elapsed % 60 )) s. The 15 slowest tests:"
# Each result in the trx files: testName="..." ... duration="hh:mm:ss.fffffff".
cat "$results"/*.trx 2>/dev/null | grep -oE '<UnitTestResult [^>]*' \
  | sed -E 's/.*testName="([^"]*)".*duration="([0-9]+):([0-9]+):([0-9.]+)".*/\2 \3 \4 \1/' \
  | awk '{ seconds = $1 * 3600 + $2 * 60 + $3; $1 = $2 = $3 = ""; printf "%8.1f s %s\n", seconds, substr($0, 4) }' \
  | sort -rn | head -15 | sed 's/&quot;/"/g; s/&amp;/\&/g'

grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tr -d ' ' | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 }
  END {
    line = passed " passed, " failed " failed"
    if (skipped > 0) line = line ", " skipped " skipped"
    print line
  }'
exit "$status"
