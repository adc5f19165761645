#!/usr/bin/env bash
# The time to activate a cold customer from PostgreSQL (issue 19): one cluster-mode silo on a
# throwaway PostgreSQL takes EVENTS page views for each of CUSTOMERS customers; then
#   1. the silo is killed (kill -9, no shutdown): every customer's state is its last snapshot
#      (written every 100 events) plus the journal after it; a new silo starts, and each
#      customer's first request activates it (snapshot read, journal tail replayed);
#   2. that silo stops gracefully (each customer snapshots on deactivation); a new one starts, and
#      each customer's first request activates it from its snapshot alone.
# Each pass asks every customer once (GET /v1/customers/{id}, shuffled, CONCURRENCY at a time)
# and prints the rate and the latency percentiles; a customer that does not come back with all
# its events fails the run. Run from the repo root:
#
#   bash bench/http/cold-activation.sh
#
# Environment (optional): CUSTOMERS=20000  EVENTS=150  CONCURRENCY=32  OUT_DIR=...  SKIP_BUILD=1
set -euo pipefail

LOG_TAG=cold-activation.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
CUSTOMERS="${CUSTOMERS:-20000}"
bench_init
EVENTS="${EVENTS:-150}"
CONCURRENCY="${CONCURRENCY:-32}"
DRIVER="$ROOT/bench/MarketingActors.Benchmarks/bin/Release/net10.0/MarketingActors.Benchmarks.dll"

require_tools
build_silo
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$DRIVER" ]]; then
  dotnet build "$ROOT/bench/MarketingActors.Benchmarks" -c Release -nologo -v q >"$OUT_DIR/build-driver.log" 2>&1 || die "driver build failed (see $OUT_DIR/build-driver.log)"
fi
start_postgres
create_database cold
CLUSTER_ID="cold-$RUN_ID"
AUDIT_KEY=$(head -c 32 /dev/urandom | base64)

# start_cluster_silo LOGFILE: one cluster silo; sets BASE. Every start uses the same loopback
# ports: a silo that starts on the address of a killed one declares it dead at once, instead of
# waiting for the membership probes to.
free_port HTTP_PORT; free_port SILO_PORT; free_port GATEWAY_PORT
BASE="http://127.0.0.1:$HTTP_PORT"
start_cluster_silo() {
  start_silo "$1" --urls "$BASE" --MarketingActors:Silo:Mode=Cluster --MarketingActors:Silo:ClusterId="$CLUSTER_ID" \
    --MarketingActors:Silo:ServiceId="$CLUSTER_ID" --MarketingActors:Governance:AuditKey="$AUDIT_KEY" \
    --MarketingActors:Silo:SiloPort="$SILO_PORT" --MarketingActors:Silo:GatewayPort="$GATEWAY_PORT"
  wait_ready "$SILO_PID" "$1" curl -fsS "$BASE/health/ready"
  log "silo ready on $BASE (pid $SILO_PID)"
}

driver() { dotnet "$DRIVER" cold-activation "$@"; }

start_cluster_silo "$OUT_DIR/silo-load.log"
driver load "$BASE" "$CUSTOMERS" "$EVENTS" | tee "$OUT_DIR/load.txt"
log "killing the silo (kill -9): state is the last snapshots plus the journal after them"
kill -KILL "$SILO_PID"; wait "$SILO_PID" 2>/dev/null || true; STARTED_PIDS=()

start_cluster_silo "$OUT_DIR/silo-after-kill.log"
driver touch "$BASE" "$CUSTOMERS" "$EVENTS" "$CONCURRENCY" | tee "$OUT_DIR/after-kill.txt"
stop_silos

start_cluster_silo "$OUT_DIR/silo-after-stop.log"
driver touch "$BASE" "$CUSTOMERS" "$EVENTS" "$CONCURRENCY" | tee "$OUT_DIR/after-stop.txt"
stop_silos

row() { grep -h '^RESULT ' "$2" | sed "s/^RESULT /$1 /"; }
{
  echo
  echo "== MarketingActors cold activation from PostgreSQL  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  customers=$CUSTOMERS  events each=$EVENTS  concurrency=$CONCURRENCY"
  row "after kill -9 (snapshot + journal tail):" "$OUT_DIR/after-kill.txt"
  row "after a clean stop (snapshot only):     " "$OUT_DIR/after-stop.txt"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
