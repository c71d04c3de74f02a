#!/usr/bin/env bash
# The model-based fault test of the provider contract, long, once per provider (every subclass of
# tests/BackOffice.Web.Tests/Contract/ProviderContract.cs: Klarna's legacy API, Klarna Payments through Computop, Klarna's REST
# platform, the tests' own TestPay) and per database (SQLite, then PostgreSQL on a throwaway server, see scripts/postgres.sh): random money actions by 2-4 users
# at once on random transactions, with random injected sandbox failures, then every transaction compared with the
# sandbox; and the recurring charges' contract (tests/BackOffice.Web.Tests/Contract/SubscriptionChargesContract.cs) per
# provider that charges customer tokens, and the settlements by virtual cards (CardSettlementModelTests). Usage: scripts/fault-run.sh [operations] (default 5000 each; FAULT_RUN_SEED=<n> replays a run). Prints
# operations, faults injected, double actions and disagreements for each; exits non-zero unless both of the last two
# are 0 everywhere.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export FAULT_RUN_OPERATIONS="${1:-5000}"
export FAULT_RUN_REPORT
FAULT_RUN_REPORT=$(mktemp)
source scripts/postgres.sh
trap 'postgres_stop; rm -f "$FAULT_RUN_REPORT" "$FAULT_RUN_REPORT.log"' EXIT

dotnet build tests/BackOffice.Web.Tests --nologo -v q > "$FAULT_RUN_REPORT.log" 2>&1 || { tail -n 40 "$FAULT_RUN_REPORT.log"; exit 1; }
status=0
for database in Sqlite PostgreSql; do
  if [ "$database" = PostgreSql ]; then
    postgres_start || { echo "Could not start PostgreSQL for the fault run." >&2; exit 1; }
  fi
  echo "Running $FAULT_RUN_OPERATIONS money operations per provider under injected faults on $database (this takes several minutes)..."
  : > "$FAULT_RUN_REPORT"
  BACKOFFICE_TEST_DATABASE=$database dotnet test tests/BackOffice.Web.Tests --no-build --nologo \
    --filter "FullyQualifiedName~A_random_seed_of_money_actions|FullyQualifiedName~A_random_seed_of_recurring_charges|FullyQualifiedName~A_random_seed_of_card_settlements" > "$FAULT_RUN_REPORT.log" 2>&1 || status=1
  if [ ! -s "$FAULT_RUN_REPORT" ]; then
    tail -n 40 "$FAULT_RUN_REPORT.log"
    echo "The fault run on $database did not finish." >&2
    exit 1
  fi
  sed "s/^/$database: /" "$FAULT_RUN_REPORT"
done
exit "$status"
