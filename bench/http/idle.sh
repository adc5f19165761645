#!/usr/bin/env bash
# What an idle embedded silo costs: CPU and thread wake-ups a second with no request at all (the
# zero point of the cost curve: timers, pulling agents, the thread pool parking). Starts the
# embedded silo (as run.sh does), lets it settle, then reads its CPU over WINDOWS windows of
# WINDOW seconds and every thread's voluntary context switches over one more window. Run from the repo root:
#
#   SKIP_BUILD=1 bash bench/http/idle.sh
#
# Environment: SETTLE=30 (seconds after ready; the tiered compiler still works in the first ones),
# WINDOWS=3, WINDOW=20, SKIP_BUILD=1 to reuse the Release build.
set -euo pipefail

LOG_TAG=idle.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bench_init
SETTLE="${SETTLE:-30}"
WINDOWS="${WINDOWS:-3}"
WINDOW="${WINDOW:-20}"

build_silo
start_embedded "$OUT_DIR/silo.log"
log "settling for ${SETTLE}s"
sleep "$SETTLE"

cpu=()
for _ in $(seq 1 "$WINDOWS"); do
  before=$(pids_ticks "$SILO_PID"); sleep "$WINDOW"; after=$(pids_ticks "$SILO_PID")
  cpu+=("$(awk -v a="$before" -v b="$after" -v t="$TICKS" -v w="$WINDOW" 'BEGIN { printf "%.0f", (b - a) * 1000 / t / w }')")
done
# Threads that live through the window: a wake-up is a voluntary context switch.
switches() { for task in /proc/"$SILO_PID"/task/*; do echo "${task##*/} $(awk '/^voluntary_ctxt_switches/ { print $2 }' "$task/status" 2>/dev/null || echo 0)"; done | sort; }
switches >"$OUT_DIR/switches-before.txt"; sleep "$WINDOW"; switches >"$OUT_DIR/switches-after.txt"
wakeups=$(join "$OUT_DIR/switches-before.txt" "$OUT_DIR/switches-after.txt" | awk -v w="$WINDOW" '{ d += $3 - $2 } END { printf "%.0f", d / w }')

{
  echo
  echo "== MarketingActors idle embedded silo  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  load avg $(cut -d' ' -f1-3 /proc/loadavg)  settled ${SETTLE}s"
  echo "CPU, ms a second, ${WINDOWS} windows of ${WINDOW}s: ${cpu[*]}"
  echo "thread wake-ups a second (voluntary context switches): $wakeups"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
