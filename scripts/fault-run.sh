#!/usr/bin/env bash
# The model-based fault tests, long, once per provider (Klarna's legacy API, Klarna Payments through Computop): random
# money actions by 2-4 users at once on random transactions, with random injected sandbox failures, then every
# transaction compared with the sandbox. Usage: scripts/fault-run.sh [operations] (default 5000 each; FAULT_RUN_SEED=<n>
# replays a run). Prints operations, faults injected, double actions and disagreements for each; exits non-zero unless
# both of the last two are 0 everywhere.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export FAULT_RUN_OPERATIONS="${1:-5000}"
export FAULT_RUN_REPORT
FAULT_RUN_REPORT=$(mktemp)
trap 'rm -f "$FAULT_RUN_REPORT"' EXIT

echo "Running $FAULT_RUN_OPERATIONS money operations per provider under injected faults (this takes several minutes)..."
dotnet test tests/BackOffice.Web.Tests --nologo --filter "FullyQualifiedName~MoneyModelTests.A_random_seed" > "$FAULT_RUN_REPORT.log" 2>&1
status=$?
if [ ! -s "$FAULT_RUN_REPORT" ]; then
  tail -n 40 "$FAULT_RUN_REPORT.log"
  rm -f "$FAULT_RUN_REPORT.log"
  echo "The fault run did not finish." >&2
  exit 1
fi
rm -f "$FAULT_RUN_REPORT.log"
cat "$FAULT_RUN_REPORT"
exit "$status"
