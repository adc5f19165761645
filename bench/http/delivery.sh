#!/usr/bin/env bash
# The delivery outbox under load (issue 16): the embedded engine deciding every event for a
# campaign whose action goes to the ads channel, with and without a webhook connector for it, in
# one run. Without one the caller delivers (the engine decides only); with one, every decision is
# rendered, stored in the outbox, signed and POSTed to a loopback receiver (bench/BareApi, a bare
# minimal API that answers 204). Per round and mode: events/s under wrk, then the time the outbox
# takes to drain, deliveries/s over load + drain, and the engine's CPU per decided event over the
# same span (the receiver's CPU is reported apart). Modes alternate, the first mode rotating.
#
#   SKIP_BUILD=1 DURATION=10 ROUNDS=3 CUSTOMERS=1000 bash bench/http/delivery.sh   # from the repo root
#
# Environment (all optional; see run.sh for the shared ones):
#   DURATION=10  WARMUP=15  THREADS=2  CONNECTIONS=32  BATCH_CONNECTIONS=4  BATCH=500  CUSTOMERS=1000
#   ROUNDS=3  SCENARIOS="single-event batch"  OUT_DIR=...  SKIP_BUILD=1
set -euo pipefail

LOG_TAG=delivery.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
DURATION="${DURATION:-10}"
CUSTOMERS="${CUSTOMERS:-1000}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-4}"
bench_init
ROUNDS="${ROUNDS:-3}"
SCENARIOS="${SCENARIOS:-single-event batch}"
SECRET="whsec_$(head -c 32 /dev/urandom | base64)"

require_tools
build_silo
start_bare_api "$OUT_DIR/receiver.log"
RECEIVER="$BARE_BASE"
RECEIVER_PID="$BARE_PID"
start_embedded "$OUT_DIR/silo.log"
# Every event decided, every decision on a deliverable channel, with a rendered payload (as a real action would have).
setup_campaign "$BASE" "$OUT_DIR" '{"id":"bench","name":"Bench delivery","conversionValue":80,
  "actions":[{"id":"ads-audience","channel":"ads","variant":"retargeting","cost":0,
              "content":{"payload":{"audience":"retarget","customer":"{{ customer.id }}","variant":"{{ decision.variant }}"}}}],
  "journey":{"entryTrigger":"product_view","allowReentry":true,"steps":[{"id":"pick","kind":"action"}]},
  "budget":{"total":1000000,"currency":"USD"}}'

connector() {
  if [[ $1 == engine ]]; then
    curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' \
      -d "{\"type\":\"webhook\",\"url\":\"$RECEIVER/hook\",\"secret\":\"$SECRET\",\"ratePerSecond\":10000,\"maxAttempts\":3}" "$BASE/v1/connectors/ads" || die "PUT connector failed"
  else
    curl -fsS -o /dev/null -X DELETE "$BASE/v1/connectors/ads" 2>/dev/null || true   # 404 when there is none
  fi
  # The connector set reaches the silo's outbox by a push; give it a moment.
  sleep 1
}
hooks() { curl -fsS "$RECEIVER/hook/count"; }

# drain: waits until the receiver's count stops moving for 2 s (the outbox is empty); prints the seconds it took.
drain() {
  local start last now still=0
  start=$(date +%s.%N); last=$(hooks)
  while (( still < 4 )); do
    sleep 0.5; now=$(hooks)
    if [[ "$now" == "$last" ]]; then still=$((still + 1)); else still=0; last=$now; fi
  done
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s - 2 }'
}

# measure SCENARIO MODE NAME: one wrk run (plus the drain in engine mode); writes NAME.txt.
measure() {
  local scenario=$1 mode=$2 name=$3 out="$OUT_DIR/$3.txt" before after rbefore rafter hbefore hafter drained=0
  connector "$mode"
  hbefore=$(hooks); before=$(pids_ticks "$SILO_PID"); rbefore=$(pids_ticks "$RECEIVER_PID")
  local args=() c=$CONNECTIONS
  is_batch "$scenario" && { args=(-- "$BATCH"); c=$BATCH_CONNECTIONS; }
  log "wrk $name: -t$THREADS -c$c -d${DURATION}s ${args[*]:-}"
  "${WRK[@]}" -c"$c" -d"${DURATION}s" -s "$HERE/$scenario.lua" "$BASE" "${args[@]}" >"$out" 2>&1 || { cat "$out" >&2; die "wrk $name failed"; }
  [[ $mode == engine ]] && drained=$(drain)
  after=$(pids_ticks "$SILO_PID"); rafter=$(pids_ticks "$RECEIVER_PID"); hafter=$(hooks)
  {
    echo "SERVER_CPU_S $(awk -v a="$before" -v b="$after" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')"
    echo "RECEIVER_CPU_S $(awk -v a="$rbefore" -v b="$rafter" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')"
    echo "DELIVERED $((hafter - hbefore))"
    echo "DRAIN_S $drained"
  } >>"$out"
}

warmup "$BASE" "$OUT_DIR"
MODES=(caller engine)
for scenario in $SCENARIOS; do
  # One unreported engine round: the delivery path's code is JIT-compiled before it is timed.
  [[ "$WARMUP" != 0 ]] && DURATION=$WARMUP measure "$scenario" engine "warmup-$scenario"
  for round in $(seq 1 "$ROUNDS"); do
    for k in 0 1; do
      mode=${MODES[$(( (round - 1 + k) % 2 ))]}
      measure "$scenario" "$mode" "$scenario-$mode#$round"
    done
  done
done
kill -0 "$SILO_PID" 2>/dev/null || die "the silo died during the run (see $OUT_DIR/silo.log)"

value() { sed -n "s/^$2 //p" "$OUT_DIR/$1.txt" | head -1; }
{
  echo
  echo "== Delivery outbox beside caller-delivered decisions  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  load avg $(cut -d' ' -f1-3 /proc/loadavg)  wrk -t$THREADS -c$CONNECTIONS (batch -c$BATCH_CONNECTIONS) -d${DURATION}s  customers=$CUSTOMERS  batch=$BATCH"
  printf '%-24s %12s %9s %11s %8s %14s %12s %16s\n' run "events/s" "p99 ms" delivered "drain s" "deliveries/s" "srv-cpu us/ev" "receiver us/del"
  for scenario in $SCENARIOS; do
    per=$(per_request "$scenario")
    for round in $(seq 1 "$ROUNDS"); do
      for mode in caller engine; do
        name="$scenario-$mode#$round"
        events=$(awk -v r="$(result "$OUT_DIR/$name.txt" requests)" -v p="$per" 'BEGIN { print r * p }')
        delivered=$(value "$name" DELIVERED); drain_s=$(value "$name" DRAIN_S)
        printf '%-24s %12s %9s %11s %8s %14s %12s %16s\n' "$name" "$(result "$OUT_DIR/$name.txt" events_per_s)" "$(result "$OUT_DIR/$name.txt" p99_ms)" \
          "$delivered" "$drain_s" \
          "$(awk -v d="$delivered" -v t="$DURATION" -v s="$drain_s" 'BEGIN { if (d > 0) printf "%.0f", d / (t + s); else print "-" }')" \
          "$(awk -v c="$(value "$name" SERVER_CPU_S)" -v e="$events" 'BEGIN { printf "%.1f", c * 1e6 / e }')" \
          "$(awk -v c="$(value "$name" RECEIVER_CPU_S)" -v d="$delivered" 'BEGIN { if (d > 0) printf "%.1f", c * 1e6 / d; else print "-" }')"
      done
    done
    # Added CPU per decided event, engine vs caller, per round; then mean and range.
    for round in $(seq 1 "$ROUNDS"); do
      awk -v ce="$(value "$scenario-caller#$round" SERVER_CPU_S)" -v ee="$(value "$scenario-engine#$round" SERVER_CPU_S)" \
          -v cr="$(result "$OUT_DIR/$scenario-caller#$round.txt" requests)" -v er="$(result "$OUT_DIR/$scenario-engine#$round.txt" requests)" \
          'BEGIN { printf "%.1f\n", 100 * ((ee / er) / (ce / cr) - 1) }'
    done | awk -v n="$scenario" '{ v[NR] = $1; s += $1 } END { lo = hi = v[1]; for (i = 2; i <= NR; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
      printf "%-13s delivery adds %.1f%% CPU per decided event over %d rounds (%.1f to %.1f)   target <= 20%%: %s\n", n, s / NR, NR, lo, hi, (s / NR <= 20 ? "MET" : "MISSED") }'
  done
  echo "  (wrk and the receiver run on the same 2 cores as the engine; CPU per event counts the engine process only, over load + drain)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
