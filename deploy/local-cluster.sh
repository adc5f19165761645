#!/usr/bin/env bash
# A throwaway local cluster on loopback: PostgreSQL (initdb as the postgres user), the schema,
# three silos and one stand-alone gateway. Prints the URLs; Ctrl-C (or any exit) stops exactly
# what this script started, by pid, and deletes the database directory.
#
#   bash deploy/local-cluster.sh            # runs until Ctrl-C
#   SMOKE=1 bash deploy/local-cluster.sh    # posts one event through the gateway, then stops
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/lib/loopback.sh
source deploy/lib/loopback.sh
# Every port is free-picked unless given, so the smoke test runs wherever something already holds one.
for var in PG_PORT GATEWAY_HTTP SILO_HTTP_1 SILO_HTTP_2 SILO_HTTP_3 SILO_PORT_1 SILO_PORT_2 SILO_PORT_3 GATEWAY_PORT_1 GATEWAY_PORT_2 GATEWAY_PORT_3; do
  [ -n "${!var:-}" ] || free_port "$var"
done
CLUSTER_ID=${CLUSTER_ID:-local}
WORK=$(mktemp -d /tmp/ma-cluster.XXXXXX)
PIDS=()

stop_all() {
  local rc=$?
  # A failed run shows why: the first exception's message (a stack trace's end does not carry it)
  # and the end of every log it wrote, before the directory goes.
  if [ "$rc" -ne 0 ]; then
    for f in "$WORK"/logs/*.log "$WORK"/pg/server.log; do
      [ -f "$f" ] && { echo "--- $f" >&2; grep -m1 -E "Unhandled exception|Exception: " "$f" >&2 || true; tail -15 "$f" >&2; }
    done
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_throwaway_postgres "$WORK/pg"
  rm -rf "$WORK"
  echo "stopped everything this script started"
}
trap stop_all EXIT

mkdir -p "$WORK/logs"
chmod 755 "$WORK"
start_throwaway_postgres "$WORK/pg" "$PG_PORT"
as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE marketing" >/dev/null
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=marketing"
# A throwaway loopback cluster: API keys off unless asked for (REQUIRE_API_KEYS=true prints a bootstrap key in silo1's log).
export MarketingActors__Security__RequireApiKeys=${REQUIRE_API_KEYS:-false}
# The audit chain's key lives outside the database; a fresh one per run of this throwaway cluster.
export MarketingActors__Governance__AuditKey=${MA_AUDIT_KEY:-$(head -c 32 /dev/urandom | base64)}

# The silo project references the gateway, so one build produces both hosts.
dotnet build -c Release src/Silo -v quiet -nologo >"$WORK/logs/build.log" || { cat "$WORK/logs/build.log" >&2; exit 1; }
SILO_DLL=src/Silo/bin/Release/net10.0/MarketingActors.Silo.dll
GATEWAY_DLL=src/Gateway/bin/Release/net10.0/MarketingActors.Gateway.dll
dotnet "$SILO_DLL" migrate

wait_ready() {
  for _ in $(seq 1 120); do
    curl -fs "$1/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$1 did not become ready; logs in $WORK/logs" >&2
  return 1
}

silo_url() { local v="SILO_HTTP_$1"; echo "http://127.0.0.1:${!v}"; }
for i in 1 2 3; do
  silo_port="SILO_PORT_$i" gateway_port="GATEWAY_PORT_$i"
  dotnet "$SILO_DLL" --urls "$(silo_url "$i")" \
    --MarketingActors:Silo:Mode=Cluster --MarketingActors:Silo:ClusterId="$CLUSTER_ID" \
    --MarketingActors:Silo:SiloPort="${!silo_port}" --MarketingActors:Silo:GatewayPort="${!gateway_port}" \
    >"$WORK/logs/silo$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 1 2 3; do wait_ready "$(silo_url "$i")"; done

dotnet "$GATEWAY_DLL" --urls "http://127.0.0.1:$GATEWAY_HTTP" \
  --MarketingActors:Client:Clustering=AdoNet --MarketingActors:Client:ClusterId="$CLUSTER_ID" \
  >"$WORK/logs/gateway.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$GATEWAY_HTTP"

echo "PostgreSQL   127.0.0.1:$PG_PORT  (database marketing)"
for i in 1 2 3; do echo "silo $i       $(silo_url "$i")  pid ${PIDS[$((i - 1))]}"; done
echo "gateway      http://127.0.0.1:$GATEWAY_HTTP  pid ${PIDS[3]}   (API, /health/ready, /metrics, /openapi/v1.json)"
echo "logs         $WORK/logs"

if [ -n "${SMOKE:-}" ]; then
  curl -fs -X POST "http://127.0.0.1:$GATEWAY_HTTP/v1/events" -H 'content-type: application/json' \
    -d '{"eventId":"smoke-1","customerId":"smoke","type":"page_view"}'
  echo
  exit 0
fi
echo "Ctrl-C stops the cluster."
wait
