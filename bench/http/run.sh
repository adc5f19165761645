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
#   BATCH_CONNECTIONS=$CONNECTIONS  wrk connections of the batch scenarios only
#   BATCH=500        events per request in the batch scenario (gateway max: 1000)
#   CUSTOMERS=100000 size of the customer id pool the scripts draw from
#   SCENARIOS="noop single-event noop-batch batch"   (noop-batch: batch bodies to /v1/noop, the ceiling for batches)
#                    (a scenario named twice runs twice: the repeat's row is "<scenario>#2", and
#                    the targets use the last run)
#   OUT_DIR=...      where wrk outputs and the silo log go (default: bench/http/results/<utc time>)
#   SKIP_BUILD=1     reuse the existing Release build
#
# It builds Release once, starts the embedded silo (one process, in-memory) on a free loopback
# port with non-default Orleans ports, creates + activates a campaign whose journey enters on
# product_view and has one action step over free/cheap actions with a big budget (so every event
# yields a decision), checks with curl that a single event does yield a decision, runs wrk,
# prints a summary against the targets, and stops the silo it started (also on error / Ctrl-C).
# Durable (cluster on PostgreSQL) next to embedded: bench/http/durable.sh. Shared code: lib.sh.
set -euo pipefail

LOG_TAG=run.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bench_init
SCENARIOS="${SCENARIOS:-noop single-event noop-batch batch}"

require_tools
build_silo
# The silo is stopped by the EXIT trap.
start_embedded "$OUT_DIR/silo.log"

setup_campaign "$BASE" "$OUT_DIR"

# --- load ------------------------------------------------------------------------------------
warmup "$BASE" "$OUT_DIR"
for run in $(scenario_runs); do
  run_scenario "$BASE" "${run%#*}" "$OUT_DIR/$run.txt" "$SILO_PID"
done

# Still alive after the load?
kill -0 "$SILO_PID" 2>/dev/null || die "the silo died during the run (see $OUT_DIR/silo.log)"

# --- summary ---------------------------------------------------------------------------------
field() { result "$OUT_DIR/$1.txt" "$2"; }
# last SCENARIO KEY: from the scenario's last run.
last() { field "$(last_run "$1")" "$2"; }

{
  echo
  echo "== MarketingActors HTTP benchmark  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  load avg $(cut -d' ' -f1-3 /proc/loadavg)  wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s  customers=$CUSTOMERS  batch=$BATCH"
  printf '%-14s %12s %12s %9s %9s %9s %7s %7s %14s\n' scenario "requests/s" "events/s" "p50 ms" "p90 ms" "p99 ms" non2xx sockerr "srv-cpu us/ev"
  for run in $(scenario_runs); do
    [[ -f "$OUT_DIR/$run.txt" ]] || continue
    printf '%-14s %12s %12s %9s %9s %9s %7s %7s %14s\n' "$run" \
      "$(field "$run" rps)" "$(field "$run" events_per_s)" \
      "$(field "$run" p50_ms)" "$(field "$run" p90_ms)" "$(field "$run" p99_ms)" \
      "$(field "$run" non2xx)" "$(field "$run" socket_errors)" \
      "$(cpu_per_event "$OUT_DIR/$run.txt" "$(per_request "${run%#*}")")"
  done
  echo
  echo "targets:"
  noop_rps=$(last noop rps); single_rps=$(last single-event rps); single_p99=$(last single-event p99_ms); batch_eps=$(last batch events_per_s); ceiling_eps=$(last noop-batch events_per_s)
  if [[ -n "$noop_rps" && -n "$single_rps" ]]; then
    awk -v s="$single_rps" -v n="$noop_rps" 'BEGIN { r = 100 * s / n; printf "  single-event >= 50%% of no-op ceiling : %5.1f%%  %s\n", r, (r >= 50 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$single_p99" ]]; then
    awk -v p="$single_p99" 'BEGIN { printf "  single-event p99 <= 5 ms              : %.2f ms  %s\n", p, (p <= 5 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$batch_eps" ]]; then
    awk -v e="$batch_eps" 'BEGIN { printf "  batched >= 250k events/s             : %.0f/s  %s\n", e, (e >= 250000 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$batch_eps" && -n "$ceiling_eps" ]]; then
    awk -v e="$batch_eps" -v c="$ceiling_eps" 'BEGIN { printf "  batched vs the batch-body ceiling     : %.1f%% of %.0f events/s\n", 100 * e / c, c }'
  fi
  echo "  (wrk runs on the same cores as the engine; see docs/benchmarks.md)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
