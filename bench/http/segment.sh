#!/usr/bin/env bash
# The Segment drop-in beside the native batch, in one run (issue 15): the embedded engine, warm
# customers, and per round three wrk runs of BATCH product views per request, every event decided:
#   native         POST /v1/events, a JSON array (the engine's own format)
#   segment        POST /v1/batch, {"batch": [track "Product Viewed" …]} as @segment/analytics-node sends it
#   segment-gzip   the same, Content-Encoding: gzip (as @rudderstack/rudder-sdk-node sends it)
# Bodies are written before each run by bodies.mjs (same customers and timestamps in every
# format, unique message ids per run) so the load generator does the same work for all three.
# Prints every round and the Segment/native ratios of events/s and of server CPU per event.
#
#   SKIP_BUILD=1 DURATION=10 ROUNDS=5 CUSTOMERS=1000 bash bench/http/segment.sh   # from the repo root
#
# Environment (all optional; see run.sh for the shared ones):
#   DURATION=10  WARMUP=5  THREADS=2  BATCH_CONNECTIONS=4  BATCH=500  CUSTOMERS=1000  ROUNDS=5
#   OUT_DIR=...  SKIP_BUILD=1
set -euo pipefail

LOG_TAG=segment.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
DURATION="${DURATION:-10}"
CUSTOMERS="${CUSTOMERS:-1000}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-4}"
bench_init
ROUNDS="${ROUNDS:-5}"
# More bodies than a run can send at 2,000 requests/s would mean batches far beyond this machine; RESENT says if it happened.
BODIES="${BODIES:-$(( DURATION * 40 ))}"

require_tools
command -v node >/dev/null || die "node is required (it writes the request bodies)"
build_silo
start_embedded "$OUT_DIR/silo.log"
setup_campaign "$BASE" "$OUT_DIR"

# A Segment "Product Viewed" must be decided like a native product_view, or the comparison is void.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -fsS -o "$OUT_DIR/check-segment.json" -X POST -H 'Content-Type: application/json' \
  -d "{\"batch\":[{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"check-customer\",\"messageId\":\"check-segment-$RUN_ID\",\"timestamp\":\"$now\",\"properties\":{\"sku\":\"sku-1\"}}],\"sentAt\":\"$now\"}" \
  "$BASE/v1/batch" || die "POST /v1/batch failed"
grep -q '"action":{"actionId":"[^"]\+"' "$OUT_DIR/check-segment.json" || { cat "$OUT_DIR/check-segment.json" >&2; die "a Segment Product Viewed did not yield a decision"; }
log "Segment decision check OK"

# Every customer of the pool live before measuring, so no format pays for activations.
warmup "$BASE" "$OUT_DIR"

# measure NAME FORMAT GZIP PATH: writes bodies, one wrk run, its RESULT and SERVER_CPU_S in NAME.txt.
measure() {
  local name=$1 format=$2 gzip=$3 path=$4 out="$OUT_DIR/$1.txt" bodies="$OUT_DIR/bodies"
  rm -rf "$bodies"
  node "$HERE/bodies.mjs" "$bodies" "$format" "$gzip" "$BODIES" "$BATCH" "$CUSTOMERS" "$RUN_ID-$name"
  log "wrk $name: -t$THREADS -c$BATCH_CONNECTIONS -d${DURATION}s, $BODIES bodies of $BATCH, $(du -sh "$bodies" | cut -f1)"
  local before after
  before=$(pids_ticks "$SILO_PID")
  BODY_DIR="$bodies" BODY_COUNT="$BODIES" BODY_PATH="$path" BODY_EVENTS="$BATCH" BODY_GZIP="$gzip" NAME="$name" \
    "${WRK[@]}" -c"$BATCH_CONNECTIONS" -d"${DURATION}s" -s "$HERE/bodies.lua" "$BASE" >"$out" 2>&1 || { cat "$out" >&2; die "wrk $name failed"; }
  after=$(pids_ticks "$SILO_PID")
  echo "SERVER_CPU_S $(awk -v a="$before" -v b="$after" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')" >>"$out"
  rm -rf "$bodies"
}

# One unreported round of each format first: each path's code is JIT-compiled before it is timed.
if [[ "$WARMUP" != 0 ]]; then
  DURATION=$WARMUP measure warmup-native native 0 /v1/events
  DURATION=$WARMUP measure warmup-segment segment 0 /v1/batch
  DURATION=$WARMUP measure warmup-segment-gzip segment 1 /v1/batch
fi
# The order rotates from round to round, so no format always runs first or after the same one.
FORMATS=("native native 0 /v1/events" "segment segment 0 /v1/batch" "segment-gzip segment 1 /v1/batch")
for round in $(seq 1 "$ROUNDS"); do
  for k in 0 1 2; do
    read -r name format gzip path <<<"${FORMATS[$(( (round - 1 + k) % 3 ))]}"
    measure "$name#$round" "$format" "$gzip" "$path"
  done
done
kill -0 "$SILO_PID" 2>/dev/null || die "the silo died during the run (see $OUT_DIR/silo.log)"

field() { result "$OUT_DIR/$1.txt" "$2"; }
resent() { sed -n 's/^RESENT //p' "$OUT_DIR/$1.txt"; }
{
  echo
  echo "== Segment /v1/batch beside native /v1/events  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  load avg $(cut -d' ' -f1-3 /proc/loadavg)  wrk -t$THREADS -c$BATCH_CONNECTIONS -d${DURATION}s  customers=$CUSTOMERS  batch=$BATCH"
  printf '%-16s %10s %12s %9s %9s %7s %7s %14s %16s %16s\n' run "requests/s" "events/s" "p50 ms" "p99 ms" non2xx resent "srv-cpu us/ev" "events/s vs nat" "cpu/ev vs nat"
  for round in $(seq 1 "$ROUNDS"); do
    nat_eps=$(field "native#$round" events_per_s); nat_cpu=$(cpu_per_event "$OUT_DIR/native#$round.txt" "$BATCH")
    for name in "native#$round" "segment#$round" "segment-gzip#$round"; do
      eps=$(field "$name" events_per_s); cpu=$(cpu_per_event "$OUT_DIR/$name.txt" "$BATCH")
      printf '%-16s %10s %12s %9s %9s %7s %7s %14s %16s %16s\n' "$name" "$(field "$name" rps)" "$eps" \
        "$(field "$name" p50_ms)" "$(field "$name" p99_ms)" "$(field "$name" non2xx)" "$(resent "$name")" "$cpu" \
        "$(awk -v a="$eps" -v b="$nat_eps" 'BEGIN { printf "%.1f%%", 100 * a / b }')" \
        "$(awk -v a="$cpu" -v b="$nat_cpu" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
    done
  done
  # Mean and range over the rounds of each ratio.
  for name in segment segment-gzip; do
    for round in $(seq 1 "$ROUNDS"); do
      awk -v a="$(field "$name#$round" events_per_s)" -v b="$(field "native#$round" events_per_s)" \
          -v c="$(cpu_per_event "$OUT_DIR/$name#$round.txt" "$BATCH")" -v d="$(cpu_per_event "$OUT_DIR/native#$round.txt" "$BATCH")" \
          'BEGIN { printf "%.1f %.1f\n", 100 * a / b, 100 * c / d }'
    done | awk -v n="$name" '{ e[NR] = $1; c[NR] = $2; se += $1; sc += $2 }
      END { le = he = e[1]; lc = hc = c[1]; for (i = 2; i <= NR; i++) { if (e[i] < le) le = e[i]; if (e[i] > he) he = e[i]; if (c[i] < lc) lc = c[i]; if (c[i] > hc) hc = c[i] }
            printf "%-13s vs native over %d rounds: events/s %.1f%% (%.1f-%.1f), CPU per event %.1f%% (%.1f-%.1f)\n", n, NR, se / NR, le, he, sc / NR, lc, hc }'
  done
  echo "target: the Segment path within 10% of the native one (events/s >= 90%, CPU per event <= 110%)"
  echo "  (wrk runs on the same cores as the engine; see docs/benchmarks.md)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
