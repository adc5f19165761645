#!/usr/bin/env bash
# HTTP benchmark of the embedded engine against the framework's own ceiling, in one run: wrk
# against a bare ASP.NET Core minimal API (bench/BareApi, same Kestrel, the same JSON body), then
# the engine's /v1/noop, single product_view events and batches, the bare API measured again after
# each engine scenario with the engine frozen (SIGSTOP), so each has the cores to itself; every
# ratio is against the mean of the bare runs just before and just after its scenario. Run from the repo root:
#
#   bash bench/http/run.sh                 # 30 s per scenario
#   DURATION=10 bash bench/http/run.sh     # quicker
#
# Environment (all optional):
#   DURATION=30      seconds per measured scenario
#   WARMUP=15        seconds of no-op, then of single-event, load before measuring (JIT tiers, grain activation); 0 = none
#   THREADS=2 CONNECTIONS=32
#   BATCH_CONNECTIONS=$CONNECTIONS  wrk connections of the batch scenarios only
#   BATCH=500        events per request in the batch scenario (gateway max: 1000)
#   CUSTOMERS=100000 size of the customer id pool the scripts draw from
#   SCENARIOS="noop single-event noop-batch batch batch-page-view"   (noop-batch: batch bodies to /v1/noop, the ceiling for batches;
#                    batch-page-view: batches of page views no campaign decides on; single-page-view:
#                    one page view a request, the request's path to the grain without a decision)
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
SCENARIOS="${SCENARIOS:-noop single-event noop-batch batch batch-page-view}"

require_tools
build_silo
# The framework's ceiling first, alone on the machine: the same noop.lua body against the bare API.
start_bare_api "$OUT_DIR/bare.log"
[[ "$WARMUP" -gt 0 ]] && DURATION="$WARMUP" run_scenario "$BARE_BASE" noop "$OUT_DIR/bare-warmup.txt" "$BARE_PID"
run_scenario "$BARE_BASE" noop "$OUT_DIR/bare.txt" "$BARE_PID"
# Both stay up; each is frozen while the other is measured. The EXIT trap stops them.
kill -STOP "$BARE_PID"
start_embedded "$OUT_DIR/silo.log"

setup_campaign "$BASE" "$OUT_DIR"

# bare_after RUN: the ceiling again, right after RUN, with the silo frozen (this machine's speed
# drifts by a third within minutes: a ceiling measured once at the start made some ratios say more
# about the minute than about the engine).
bare_after() {
  kill -STOP "$SILO_PID"
  kill -CONT "$BARE_PID"
  run_scenario "$BARE_BASE" noop "$OUT_DIR/bare@$1.txt" "$BARE_PID"
  kill -STOP "$BARE_PID"
  kill -CONT "$SILO_PID"
}

# --- load ------------------------------------------------------------------------------------
warmup "$BASE" "$OUT_DIR"
for run in $(scenario_runs); do
  run_scenario "$BASE" "${run%#*}" "$OUT_DIR/$run.txt" "$SILO_PID"
  bare_after "$run"
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
  printf '%-18s %12s %12s %9s %9s %9s %7s %7s %14s\n' scenario "requests/s" "events/s" "p50 ms" "p90 ms" "p99 ms" non2xx sockerr "srv-cpu us/ev"
  for run in bare $(scenario_runs | sed 's/.*/& bare@&/'); do
    [[ -f "$OUT_DIR/$run.txt" ]] || continue
    printf '%-18s %12s %12s %9s %9s %9s %7s %7s %14s\n' "$run" \
      "$(field "$run" rps)" "$(field "$run" events_per_s)" \
      "$(field "$run" p50_ms)" "$(field "$run" p90_ms)" "$(field "$run" p99_ms)" \
      "$(field "$run" non2xx)" "$(field "$run" socket_errors)" \
      "$(cpu_per_event "$OUT_DIR/$run.txt" "$(per_request "${run%#*}")")"
  done
  echo
  echo "targets (issue 19; each ratio against the mean of the bare API's runs just before and just after its scenario):"
  single_p99=$(last single-event p99_ms)
  batch_eps=$(last batch events_per_s); views_eps=$(last batch-page-view events_per_s)
  # ratio NAME SCENARIO TARGET: the scenario's last run against the bare runs around it.
  ratio() {
    local run before="bare" r v b1 b2
    run=$(last_run "$2")
    [[ -n "$run" ]] || return 0
    for r in $(scenario_runs); do [[ "$r" == "$run" ]] && break; before="bare@$r"; done
    v=$(field "$run" rps); b1=$(field "$before" rps); b2=$(field "bare@$run" rps)
    [[ -n "$v" && -n "$b1" && -n "$b2" ]] || return 0
    awk -v v="$v" -v b1="$b1" -v b2="$b2" -v t="$3" -v n="$1" \
      'BEGIN { b = (b1 + b2) / 2; r = 100 * v / b; printf "  %-38s: %5.1f%% of %.0f req/s (bare %.0f before, %.0f after)  %s\n", n, r, b, b1, b2, (r >= t ? "MET" : "MISSED") }'
  }
  ratio "engine /v1/noop >= 80% of bare" noop 80
  ratio "single event -> decision >= 40% of bare" single-event 40
  if [[ -n "$single_p99" ]]; then
    awk -v p="$single_p99" 'BEGIN { printf "  %-38s: %.2f ms  %s\n", "single-event p99 <= 10 ms", p, (p <= 10 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$batch_eps" ]]; then
    awk -v e="$batch_eps" 'BEGIN { printf "  %-38s: %.0f/s  %s\n", "batched, decided >= 60,000 events/s", e, (e >= 60000 ? "MET" : "MISSED") }'
  fi
  if [[ -n "$views_eps" ]]; then
    awk -v e="$views_eps" 'BEGIN { printf "  %-38s: %.0f/s  %s\n", "page views, undecided >= 150,000/s", e, (e >= 150000 ? "MET" : "MISSED") }'
  fi
  echo "  (wrk runs on the same cores as the engine; see docs/benchmarks.md)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
