#!/usr/bin/env bash
# A throwaway local cluster on loopback: PostgreSQL (initdb as the postgres user), the schema,
# three silos and one stand-alone gateway. Prints the URLs; Ctrl-C (or any exit) stops exactly
# what this script started, by pid, and deletes the database directory.
#
#   bash deploy/local-cluster.sh            # runs until Ctrl-C
#   SMOKE=1 bash deploy/local-cluster.sh    # posts one event through the gateway, then stops
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${PG_PORT:-55432}
GATEWAY_HTTP=${GATEWAY_HTTP:-5080}
SILO_HTTP_BASE=${SILO_HTTP_BASE:-5101}
SILO_PORT_BASE=${SILO_PORT_BASE:-11111}
GATEWAY_PORT_BASE=${GATEWAY_PORT_BASE:-30000}
CLUSTER_ID=${CLUSTER_ID:-local}
WORK=$(mktemp -d /tmp/ma-cluster.XXXXXX)
PIDS=()

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL server binaries are missing: apt-get install -y postgresql" >&2
  exit 1
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_all() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$WORK/pg/PG_VERSION" ] && as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
  echo "stopped everything this script started"
}
trap stop_all EXIT

mkdir -p "$WORK/pg" "$WORK/logs"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg"
chmod 755 "$WORK"
as_postgres "$PG_BIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 >"$WORK/logs/initdb.log"
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w \
  -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
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

for i in 1 2 3; do
  dotnet "$SILO_DLL" --urls "http://127.0.0.1:$((SILO_HTTP_BASE + i - 1))" \
    --MarketingActors:Silo:Mode=Cluster --MarketingActors:Silo:ClusterId="$CLUSTER_ID" \
    --MarketingActors:Silo:SiloPort=$((SILO_PORT_BASE + i - 1)) --MarketingActors:Silo:GatewayPort=$((GATEWAY_PORT_BASE + i - 1)) \
    >"$WORK/logs/silo$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 1 2 3; do wait_ready "http://127.0.0.1:$((SILO_HTTP_BASE + i - 1))"; done

dotnet "$GATEWAY_DLL" --urls "http://127.0.0.1:$GATEWAY_HTTP" \
  --MarketingActors:Client:Clustering=AdoNet --MarketingActors:Client:ClusterId="$CLUSTER_ID" \
  >"$WORK/logs/gateway.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$GATEWAY_HTTP"

echo "PostgreSQL   127.0.0.1:$PG_PORT  (database marketing)"
for i in 1 2 3; do echo "silo $i       http://127.0.0.1:$((SILO_HTTP_BASE + i - 1))  pid ${PIDS[$((i - 1))]}"; done
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
