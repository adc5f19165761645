# Shared by bench/http/run.sh (embedded only), bench/http/durable.sh (embedded + cluster on
# PostgreSQL) and bench/http/profile.sh. Sourced, never run. The sourcing script sets LOG_TAG
# before sourcing and calls bench_init; everything it starts goes through start_silo /
# start_postgres so that bench_cleanup (installed as the EXIT trap by bench_init) stops exactly
# that, by pid, and deletes temp dirs.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/http"
# shellcheck source=deploy/lib/loopback.sh
source "$ROOT/deploy/lib/loopback.sh"
BIN="$ROOT/src/Silo/bin/Release/net10.0"

log() { printf '[%s] %s\n' "${LOG_TAG:-bench}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Common knobs (env) and run identity.
bench_init() {
  DURATION="${DURATION:-30}"
  WARMUP="${WARMUP:-15}"
  THREADS="${THREADS:-2}"
  CONNECTIONS="${CONNECTIONS:-32}"
  BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-$CONNECTIONS}"   # wrk connections in the batch scenarios
  BATCH="${BATCH:-500}"
  CUSTOMERS="${CUSTOMERS:-100000}"
  OUT_DIR="${OUT_DIR:-$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)}"
  export CUSTOMERS
  export RUN_ID="r$(date +%s)"
  TICKS=$(getconf CLK_TCK 2>/dev/null || echo 100)
  WRK=(wrk -t"$THREADS" --timeout 10s --latency)
  mkdir -p "$OUT_DIR"
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# --- tools -----------------------------------------------------------------------------------
require_tools() {
  command -v dotnet >/dev/null || die "dotnet (SDK 10) is required: https://dot.net"
  command -v curl >/dev/null || die "curl is required (apt-get install -y curl)"
  if ! command -v wrk >/dev/null; then
    log "wrk not found, installing it with apt-get"
    local sudo
    if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else die "install wrk (apt-get install -y wrk)"; fi
    $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk >/dev/null || die "could not install wrk"
  fi
}

# --- build once ------------------------------------------------------------------------------
build_silo() {
  if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$BIN/MarketingActors.Silo.dll" ]]; then
    log "building src/Silo (Release)"
    dotnet build "$ROOT/src/Silo" -c Release -nologo -v q >"$OUT_DIR/build.log" 2>&1 || { tail -30 "$OUT_DIR/build.log" >&2; die "build failed (see $OUT_DIR/build.log)"; }
  fi
}

# --- processes we started --------------------------------------------------------------------
STARTED_PIDS=()     # silos, in start order
PG_DATA=""          # throwaway PostgreSQL data dir (deleted on exit)
PG_WORK=""

# stop_pids PID...: TERM all (graceful: the silo flushes its journal), wait up to 60 s (above the silo's 45 s shutdown deadline), then KILL.
stop_pids() {
  local pid alive
  # CONT after TERM: a process a benchmark froze (run.sh freezes the silo while it measures the bare API) handles its TERM only once resumed.
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && { kill -TERM "$pid" 2>/dev/null; kill -CONT "$pid" 2>/dev/null; } || true; done
  for _ in $(seq 1 300); do
    alive=""
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [[ -z "$alive" ]] && break
    sleep 0.2
  done
  for pid in "$@"; do
    kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop in 60 s, killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
  done
}

# Stops the silos started so far (not PostgreSQL) and forgets them.
stop_silos() {
  ((${#STARTED_PIDS[@]})) || return 0
  log "stopping silo pid(s) ${STARTED_PIDS[*]}"
  stop_pids "${STARTED_PIDS[@]}"
  STARTED_PIDS=()
}

bench_cleanup() {
  local rc=$?
  stop_silos
  [[ -n "$PG_DATA" ]] && stop_throwaway_postgres "$PG_DATA"
  [[ -n "$PG_WORK" ]] && rm -rf "$PG_WORK"
  return $rc
}

# start_silo LOGFILE ARGS...: the silo host in the background; its pid in SILO_PID and STARTED_PIDS.
# exec in the subshell so $! is the engine process itself (not a wrapper that would outlive a kill).
start_silo() {
  local logfile=$1; shift
  # The load generator is one client: without keys and per-key rate limits it measures the engine, not the limiter.
  # Its customers act many times a second, far past the decision fuse meant for real ones (60 acts per hour).
  ( cd "$BIN" && exec dotnet MarketingActors.Silo.dll --MarketingActors:Security:RequireApiKeys=false \
      --MarketingActors:Security:RequestsPerWindow=10000000 --MarketingActors:Customers:MaxJourneyActsPerHour=100000 "$@" ) >"$logfile" 2>&1 &
  SILO_PID=$!
  STARTED_PIDS+=("$SILO_PID")
}

# start_cluster_silo LOGFILE CLUSTER_ID: one cluster-mode silo on the database create_database
# made, on free loopback ports, its audit chain keyed with AUDIT_KEY (a fresh one per script run);
# sets SILO_PID and appends its URL to CLUSTER_URLS; the caller waits for its /health/ready.
AUDIT_KEY=$(head -c 32 /dev/urandom | base64)
CLUSTER_URLS=()
start_cluster_silo() {
  local logfile=$1 cluster_id=$2 http sp gp
  free_port http || die "no free port for HTTP"
  free_port sp || die "no free port for the silo"
  free_port gp || die "no free port for the Orleans gateway"
  CLUSTER_URLS+=("http://127.0.0.1:$http")
  log "starting cluster silo on http://127.0.0.1:$http (silo port $sp, gateway port $gp); log: $logfile"
  start_silo "$logfile" --urls "http://127.0.0.1:$http" \
    --MarketingActors:Silo:Mode=Cluster --MarketingActors:Silo:ClusterId="$cluster_id" \
    --MarketingActors:Silo:ServiceId="$cluster_id" --MarketingActors:Governance:AuditKey="$AUDIT_KEY" \
    --MarketingActors:Silo:SiloPort="$sp" --MarketingActors:Silo:GatewayPort="$gp"
}

# start_embedded LOGFILE: free loopback ports (HTTP_PORT kept if set), the embedded silo on them,
# ready when /v1/noop answers; sets BASE and SILO_PID. Call after build_silo.
start_embedded() {
  local logfile=$1
  HTTP_PORT="${HTTP_PORT:-}"
  [[ -n "$HTTP_PORT" ]] || free_port HTTP_PORT || die "no free port for HTTP_PORT"
  free_port SILO_PORT || die "no free port for SILO_PORT"
  free_port GATEWAY_PORT || die "no free port for GATEWAY_PORT"
  BASE="http://127.0.0.1:$HTTP_PORT"
  log "starting embedded silo on $BASE (Orleans silo port $SILO_PORT, gateway port $GATEWAY_PORT); log: $logfile"
  start_silo "$logfile" --urls "$BASE" \
    --MarketingActors:Silo:SiloPort="$SILO_PORT" --MarketingActors:Silo:GatewayPort="$GATEWAY_PORT"
  wait_ready "$SILO_PID" "$logfile" curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' "$BASE/v1/noop"
  log "silo ready (pid $SILO_PID)"
}

# start_bare_api LOGFILE: builds (unless SKIP_BUILD=1 and built) and starts bench/BareApi, a bare
# ASP.NET Core minimal API on the same Kestrel that reads a JSON POST and answers a small JSON
# object, on a free loopback port; sets BARE_BASE and BARE_PID. The ceiling every HTTP ratio is
# against, and the delivery benchmark's webhook receiver.
start_bare_api() {
  local logfile=$1 bin="$ROOT/bench/BareApi/bin/Release/net10.0"
  if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$bin/MarketingActors.Bench.BareApi.dll" ]]; then
    dotnet build "$ROOT/bench/BareApi" -c Release -nologo -v q >"$logfile.build" 2>&1 || die "bare API build failed (see $logfile.build)"
  fi
  free_port BARE_PORT || die "no free port for BARE_PORT"
  BARE_BASE="http://127.0.0.1:$BARE_PORT"
  ( cd "$bin" && exec dotnet MarketingActors.Bench.BareApi.dll --urls "$BARE_BASE" ) >"$logfile" 2>&1 &
  BARE_PID=$!
  STARTED_PIDS+=("$BARE_PID")
  wait_ready "$BARE_PID" "$logfile" curl -fsS -o /dev/null "$BARE_BASE/hook/count"
  log "bare API ready on $BARE_BASE (pid $BARE_PID)"
}

# wait_ready PID LOGFILE CHECK...: retries the command CHECK for up to 60 s while PID lives.
wait_ready() {
  local pid=$1 logfile=$2 i; shift 2
  for i in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$logfile" >&2; die "silo pid $pid exited during start-up (see $logfile)"; }
    "$@" >/dev/null 2>&1 && return 0
    [[ $i == 120 ]] && die "silo pid $pid not ready after 60 s (see $logfile)"
    sleep 0.5
  done
}

# --- throwaway PostgreSQL (deploy/lib/loopback.sh, as deploy/local-cluster.sh) ---------------
start_postgres() {
  free_port PG_PORT || die "no free port for PostgreSQL"
  PG_WORK=$(mktemp -d /tmp/ma-bench-pg.XXXXXX)
  PG_DATA="$PG_WORK/pg"
  chmod 755 "$PG_WORK"
  start_throwaway_postgres "$PG_DATA" "$PG_PORT" ${PG_STATEMENTS:+-c shared_preload_libraries=pg_stat_statements} || die "PostgreSQL did not start"
  PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
  log "PostgreSQL on 127.0.0.1:$PG_PORT (postmaster pid $PG_PID, data $PG_DATA)"
}

# create_database NAME: a fresh database with the engine's schema; sets ConnectionStrings__Postgres.
create_database() {
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $1" >/dev/null || die "CREATE DATABASE $1 failed"
  export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$1"
  [[ -n "${PG_STATEMENTS:-}" ]] && as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -qc "CREATE EXTENSION pg_stat_statements" >/dev/null
  ( cd "$BIN" && dotnet MarketingActors.Silo.dll migrate ) >"$OUT_DIR/migrate-$1.log" 2>&1 || { tail -20 "$OUT_DIR/migrate-$1.log" >&2; die "migrate failed"; }
}

# pg_statements DB FILE: with PG_STATEMENTS=1, PostgreSQL's top statements by total time since
# the last call (pg_stat_statements), then reset; otherwise nothing.
pg_statements() {
  [[ -n "${PG_STATEMENTS:-}" ]] || return 0
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -P pager=off -c \
    "SELECT calls, rows, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, wal_fpi, pg_size_pretty(wal_bytes) AS wal, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
     FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" >"$2" 2>&1 || true
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -qc "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true
}

# --- campaign + decision check ---------------------------------------------------------------
# setup_campaign BASE DIR [CAMPAIGN_JSON]: creates + activates the campaign `bench` (by default:
# journey enters on product_view, one action step over free/cheap actions, big budget: every
# event yields a decision) and checks with curl that one event's answer carries a chosen action.
setup_campaign() {
  local base=$1 dir=$2
  local campaign=${3:-'{"id":"bench","name":"Bench","conversionValue":80,
  "actions":[{"id":"web-banner","channel":"web","variant":"banner","cost":0},
             {"id":"ads-retarget","channel":"ads","variant":"retargeting","cost":0.001},
             {"id":"app-card","channel":"app","variant":"card","cost":0}],
  "journey":{"entryTrigger":"product_view","allowReentry":true,"steps":[{"id":"pick","kind":"action"}]},
  "budget":{"total":1000000,"currency":"USD"}}'}
  curl -fsS -o "$dir/campaign.json" -X POST -H 'Content-Type: application/json' -d "$campaign" "$base/v1/campaigns" \
    || die "could not create the campaign"
  curl -fsS -o "$dir/campaign-activated.json" -X POST "$base/v1/campaigns/bench/activate" \
    || die "could not activate the campaign"
  # The silo's campaign cache is updated by a push from the catalog, and re-pulled every 30 s in case a
  # push was lost (a cluster still forming can briefly run two catalog activations): retry up to 40 s.
  local decided="" now i
  for i in $(seq 1 160); do
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    curl -fsS -o "$dir/check-event.json" -X POST -H 'Content-Type: application/json' \
      -d "{\"eventId\":\"check-$RUN_ID-$i\",\"customerId\":\"check-customer\",\"type\":\"product_view\",\"channel\":\"web\",\"timestamp\":\"$now\",\"properties\":{\"sku\":\"sku-1\"}}" \
      "$base/v1/events" || die "POST /v1/events failed"
    if grep -q '"action":{"actionId":"[^"]\+"' "$dir/check-event.json"; then decided=yes; break; fi
    sleep 0.25
  done
  [[ -n "$decided" ]] || { cat "$dir/check-event.json" >&2; die "a single product_view did not yield a decision"; }
  log "decision check OK: one product_view -> decision with $(grep -o '"action":{"actionId":"[^"]*"' "$dir/check-event.json" | head -1), $(grep -o '"reason":"[^"]*"' "$dir/check-event.json" | head -1)"
}

# --- load ------------------------------------------------------------------------------------
# Server CPU time (user+system, in clock ticks) summed over pids: CPU per request is far less
# sensitive than requests/s to wrk and other processes competing for the same cores.
pids_ticks() {
  local pid sum=0 t
  for pid in "$@"; do
    [[ -r "/proc/$pid/stat" ]] || { echo ""; return; }
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat") || { echo ""; return; }
    sum=$((sum + t))
  done
  echo "$sum"
}

warmup() {
  local base=$1 dir=$2
  [[ "$WARMUP" == 0 ]] && return 0
  # Every path a scenario takes gets its JIT tiers before anything is measured: the no-op's
  # middleware alone measured 17k req/s cold and 30k warm in one run (2026-12-05), and after 5 s
  # of single events the next 10 s still ran 25–40% slower than the 10 s after them, with a
  # p99 half again as long (tiered compilation with dynamic PGO on two busy cores; with tiering
  # off both runs were alike: benchmarks-history.md, 2026-12-06, fourth session). Hence 15 s.
  log "warm-up: ${WARMUP}s of no-ops, then ${WARMUP}s of single events (not reported)"
  "${WRK[@]}" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/noop.lua" "$base" >"$dir/warmup-noop.txt" 2>&1 || die "wrk warm-up failed"
  "${WRK[@]}" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/single-event.lua" "$base" >"$dir/warmup.txt" 2>&1 || die "wrk warm-up failed"
}

# scenario_runs: the words of SCENARIOS as run names, a repeat numbered ("batch batch" gives
# "batch batch#2"), so that a second run, on customers the first one activated, gets its own
# outputs and its own row in the summary. ${run%#*} is the scenario.
scenario_runs() {
  local -A seen=()
  local s
  for s in $SCENARIOS; do
    seen[$s]=$(( ${seen[$s]:-0} + 1 ))
    if (( seen[$s] == 1 )); then echo "$s"; else echo "$s#${seen[$s]}"; fi
  done
}

# last_run SCENARIO: the name of SCENARIO's last run (the one the targets are checked on).
last_run() { scenario_runs | awk -v s="$1" '$0 == s || index($0, s "#") == 1' | tail -1; }

# is_batch SCENARIO: true for the scenarios that send BATCH events per request.
is_batch() { [[ "$1" == batch || "$1" == batch-page-view || "$1" == noop-batch ]]; }
# per_request SCENARIO: events per request.
per_request() { is_batch "$1" && echo "$BATCH" || echo 1; }

# run_scenario BASE SCENARIO OUTFILE PID...: one wrk run; appends SERVER_CPU_S (CPU of PIDs).
run_scenario() {
  local base=$1 scenario=$2 out=$3; shift 3
  local args=() before after c=$CONNECTIONS
  is_batch "$scenario" && { args=(-- "$BATCH"); c=$BATCH_CONNECTIONS; }
  log "wrk $scenario: -t$THREADS -c$c -d${DURATION}s ${args[*]:-}"
  before=$(pids_ticks "$@")
  "${WRK[@]}" -c"$c" -d"${DURATION}s" -s "$HERE/$scenario.lua" "$base" "${args[@]}" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk $scenario failed"; }
  after=$(pids_ticks "$@")
  if [[ -n "$before" && -n "$after" ]]; then
    echo "SERVER_CPU_S $(awk -v a="$before" -v b="$after" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')" >>"$out"
  fi
  grep -E '^(Running|  [0-9]+ threads|Requests/sec|Non-2xx|Socket errors)' "$out" | sed 's/^/    /' >&2 || true
}

# --- results ---------------------------------------------------------------------------------
# result FILE KEY: a value of the RESULT line common.lua's done() writes.
result() { { grep -h '^RESULT ' "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; } || true; }

# cpu_per_event FILE EVENTS_PER_REQUEST: server CPU microseconds per event.
cpu_per_event() {
  local cpu requests
  cpu=$(sed -n 's/^SERVER_CPU_S //p' "$1" 2>/dev/null | head -1)
  requests=$(result "$1" requests)
  [[ -n "$cpu" && -n "$requests" && "$requests" != 0 ]] && awk -v c="$cpu" -v r="$requests" -v p="$2" 'BEGIN { printf "%.1f", c * 1e6 / (r * p) }' || echo "-"
}
