#!/usr/bin/env bash
# HTTP benchmark of the embedded engine: wrk against /v1/noop (the HTTP ceiling), single
# product_view events, and batches. Run from the repo root:
#
#   bash bench/http/run.sh                 # 30 s per scenario
#   DURATION=10 bash bench/http/run.sh     # quicker
#
# Environment (all optional):
#   DURATION=30      seconds per measured scenario
#   WARMUP=5         seconds of single-event load before measuring (JIT, grain activation); 0 = none
#   THREADS=2 CONNECTIONS=32
#   BATCH=500        events per request in the batch scenario (gateway max: 1000)
#   CUSTOMERS=100000 size of the customer id pool the scripts draw from
#   SCENARIOS="noop single-event batch"
#   OUT_DIR=...      where wrk outputs and the silo log go (default: bench/http/results/<utc time>)
#   SKIP_BUILD=1     reuse the existing Release build
#
# It builds Release once, starts the embedded silo (one process, in-memory) on a free loopback
# port with non-default Orleans ports, creates + activates a campaign whose journey enters on
# product_view and has one action step over free/cheap actions with a big budget (so every event
# yields a decision), checks with curl that a single event does yield a decision, runs wrk,
# prints a summary against the targets, and stops the silo it started (also on error / Ctrl-C).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/http"
cd "$ROOT"

DURATION="${DURATION:-30}"
WARMUP="${WARMUP:-5}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
BATCH="${BATCH:-500}"
CUSTOMERS="${CUSTOMERS:-100000}"
SCENARIOS="${SCENARIOS:-noop single-event batch}"
OUT_DIR="${OUT_DIR:-$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)}"
export CUSTOMERS
export RUN_ID="r$(date +%s)"

log() { printf '[run.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- tools -----------------------------------------------------------------------------------
command -v dotnet >/dev/null || die "dotnet (SDK 10) is required: https://dot.net"
command -v curl >/dev/null || die "curl is required (apt-get install -y curl)"
if ! command -v wrk >/dev/null; then
  log "wrk not found, installing it with apt-get"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else die "install wrk (apt-get install -y wrk)"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk >/dev/null || die "could not install wrk"
fi

# --- free loopback ports ---------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
TAKEN=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ "$TAKEN" == *" $p "* ]] && continue
    if ! port_in_use "$p"; then TAKEN+="$p "; echo "$p"; return 0; fi
  done
  die "no free port found"
}
HTTP_PORT="${HTTP_PORT:-$(free_port)}"
SILO_PORT="$(free_port)"
GATEWAY_PORT="$(free_port)"
BASE="http://127.0.0.1:$HTTP_PORT"

mkdir -p "$OUT_DIR"

# --- build once ------------------------------------------------------------------------------
BIN="$ROOT/src/Silo/bin/Release/net10.0"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$BIN/MarketingActors.Silo.dll" ]]; then
  log "building src/Silo (Release)"
  dotnet build "$ROOT/src/Silo" -c Release -nologo -v q >"$OUT_DIR/build.log" 2>&1 || { tail -30 "$OUT_DIR/build.log" >&2; die "build failed (see $OUT_DIR/build.log)"; }
fi

# --- start the silo, stop it on exit ---------------------------------------------------------
SILO_PID=""
stop_silo() {
  if [[ -n "$SILO_PID" ]] && kill -0 "$SILO_PID" 2>/dev/null; then
    log "stopping silo (pid $SILO_PID)"
    kill -TERM "$SILO_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SILO_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$SILO_PID" 2>/dev/null && kill -KILL "$SILO_PID" 2>/dev/null || true
    wait "$SILO_PID" 2>/dev/null || true
  fi
  SILO_PID=""
}
trap stop_silo EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting embedded silo on $BASE (Orleans silo port $SILO_PORT, gateway port $GATEWAY_PORT); log: $OUT_DIR/silo.log"
# exec in the subshell so $! is the engine process itself (not a wrapper that would outlive a kill).
( cd "$BIN" && exec dotnet MarketingActors.Silo.dll \
    --urls "$BASE" \
    --MarketingActors:Silo:SiloPort="$SILO_PORT" \
    --MarketingActors:Silo:GatewayPort="$GATEWAY_PORT" ) >"$OUT_DIR/silo.log" 2>&1 &
SILO_PID=$!

for i in $(seq 1 120); do
  kill -0 "$SILO_PID" 2>/dev/null || { tail -30 "$OUT_DIR/silo.log" >&2; die "silo exited during start-up"; }
  if curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' "$BASE/v1/noop" 2>/dev/null; then break; fi
  [[ $i == 120 ]] && die "silo not ready after 60 s (see $OUT_DIR/silo.log)"
  sleep 0.5
done
log "silo ready (pid $SILO_PID)"

# --- campaign --------------------------------------------------------------------------------
CAMPAIGN='{"id":"bench","name":"Bench","conversionValue":80,
  "actions":[{"id":"web-banner","channel":"web","variant":"banner","cost":0},
             {"id":"ads-retarget","channel":"ads","variant":"retargeting","cost":0.001},
             {"id":"app-card","channel":"app","variant":"card","cost":0}],
  "journey":{"entryTrigger":"product_view","allowReentry":true,"steps":[{"id":"pick","kind":"action"}]},
  "budget":{"total":1000000,"currency":"USD"}}'
curl -fsS -o "$OUT_DIR/campaign.json" -X POST -H 'Content-Type: application/json' -d "$CAMPAIGN" "$BASE/v1/campaigns" \
  || die "could not create the campaign"
curl -fsS -o "$OUT_DIR/campaign-activated.json" -X POST "$BASE/v1/campaigns/bench/activate" \
  || die "could not activate the campaign"

# --- a single event must yield a decision ----------------------------------------------------
# The silo's campaign cache is updated by a push from the catalog: retry briefly.
decided=""
for i in $(seq 1 40); do
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  curl -fsS -o "$OUT_DIR/check-event.json" -X POST -H 'Content-Type: application/json' \
    -d "{\"eventId\":\"check-$RUN_ID-$i\",\"customerId\":\"check-customer\",\"type\":\"product_view\",\"channel\":\"web\",\"timestamp\":\"$now\",\"properties\":{\"sku\":\"sku-1\"}}" \
    "$BASE/v1/events" || die "POST /v1/events failed"
  if grep -q '"action":{"actionId":"[^"]\+"' "$OUT_DIR/check-event.json"; then decided=yes; break; fi
  sleep 0.25
done
[[ -n "$decided" ]] || { cat "$OUT_DIR/check-event.json" >&2; die "a single product_view did not yield a decision"; }
action=$(grep -o '"action":{"actionId":"[^"]*"' "$OUT_DIR/check-event.json" | head -1)
reason=$(grep -o '"reason":"[^"]*"' "$OUT_DIR/check-event.json" | head -1)
log "decision check OK: one product_view -> decision with $action, $reason (full answer: $OUT_DIR/check-event.json)"

# --- load ------------------------------------------------------------------------------------
WRK=(wrk -t"$THREADS" -c"$CONNECTIONS" --timeout 10s --latency)
if [[ "$WARMUP" != 0 ]]; then
  log "warm-up: ${WARMUP}s of single events (not reported)"
  "${WRK[@]}" -d"${WARMUP}s" -s "$HERE/single-event.lua" "$BASE" >"$OUT_DIR/warmup.txt" 2>&1 || die "wrk warm-up failed"
fi

# Server CPU time (user+system, in clock ticks) of the silo process: CPU per request is far less
# sensitive than requests/s to wrk and other processes competing for the same cores.
TICKS=$(getconf CLK_TCK 2>/dev/null || echo 100)
silo_ticks() { [[ -r "/proc/$SILO_PID/stat" ]] && awk '{ print $14 + $15 }' "/proc/$SILO_PID/stat" || echo ""; }

for scenario in $SCENARIOS; do
  args=()
  [[ "$scenario" == batch ]] && args=(-- "$BATCH")
  log "wrk $scenario: -t$THREADS -c$CONNECTIONS -d${DURATION}s ${args[*]:-}"
  before=$(silo_ticks)
  "${WRK[@]}" -d"${DURATION}s" -s "$HERE/$scenario.lua" "$BASE" "${args[@]}" >"$OUT_DIR/$scenario.txt" 2>&1 \
    || { cat "$OUT_DIR/$scenario.txt" >&2; die "wrk $scenario failed"; }
  after=$(silo_ticks)
  if [[ -n "$before" && -n "$after" ]]; then
    echo "SERVER_CPU_S $(awk -v a="$before" -v b="$after" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')" >>"$OUT_DIR/$scenario.txt"
  fi
  grep -E '^(Running|  [0-9]+ threads|Requests/sec|Non-2xx|Socket errors)' "$OUT_DIR/$scenario.txt" | sed 's/^/    /' >&2 || true
done

# Still alive and still deciding after the load?
kill -0 "$SILO_PID" 2>/dev/null || die "the silo died during the run (see $OUT_DIR/silo.log)"

# --- summary ---------------------------------------------------------------------------------
field() { grep -h '^RESULT name='"$1"' ' "$OUT_DIR/$1.txt" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
# Server CPU microseconds per event (user+system time of the silo process / events served).
cpu_per_event() {
  local cpu requests per
  cpu=$(sed -n 's/^SERVER_CPU_S //p' "$OUT_DIR/$1.txt" 2>/dev/null | head -1)
  requests=$(field "$1" requests); per=1
  [[ "$1" == batch ]] && per="$BATCH"
  [[ -n "$cpu" && -n "$requests" && "$requests" != 0 ]] && awk -v c="$cpu" -v r="$requests" -v p="$per" 'BEGIN { printf "%.1f", c * 1e6 / (r * p) }' || echo "-"
}

{
  echo
  echo "== MarketingActors HTTP benchmark  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s  customers=$CUSTOMERS  batch=$BATCH"
  printf '%-14s %12s %12s %9s %9s %9s %7s %7s %14s\n' scenario "requests/s" "events/s" "p50 ms" "p90 ms" "p99 ms" non2xx sockerr "srv-cpu us/ev"
  for scenario in $SCENARIOS; do
    [[ -f "$OUT_DIR/$scenario.txt" ]] || continue
    printf '%-14s %12s %12s %9s %9s %9s %7s %7s %14s\n' "$scenario" \
      "$(field "$scenario" rps)" "$(field "$scenario" events_per_s)" \
      "$(field "$scenario" p50_ms)" "$(field "$scenario" p90_ms)" "$(field "$scenario" p99_ms)" \
      "$(field "$scenario" non2xx)" "$(field "$scenario" socket_errors)" "$(cpu_per_event "$scenario")"
  done
  echo
  echo "targets:"
  noop_rps=$(field noop rps); single_rps=$(field single-event rps); single_p99=$(field single-event p99_ms); batch_eps=$(field batch events_per_s)
  if [[ -n "$noop_rps" && -n "$single_rps" ]]; then
    awk -v s="$single_rps" -v n="$noop_rps" 'BEGIN { r = 100 * s / n; printf "  single-event >= 50%% of no-op ceiling : %5.1f%%  %s\n", r, (r >= 50 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$single_p99" ]]; then
    awk -v p="$single_p99" 'BEGIN { printf "  single-event p99 <= 5 ms              : %.2f ms  %s\n", p, (p <= 5 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$batch_eps" ]]; then
    awk -v e="$batch_eps" 'BEGIN { printf "  batched >= 250k events/s             : %.0f/s  %s\n", e, (e >= 250000 ? "MET" : "MISSED") }'
  fi
  echo "  (wrk runs on the same cores as the engine; see docs/benchmarks.md)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
