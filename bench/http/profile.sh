#!/usr/bin/env bash
# Where the server's time goes under one wrk scenario: starts the embedded silo (as run.sh does),
# warms it up, runs the scenario for DURATION seconds and, from a quarter into it, samples the
# silo with dotnet-trace (dotnet-sampled-thread-time) for half of it; then prints the frames with
# the largest share of managed CPU (samples of running threads only: cpu-frames.py). Run from
# the repo root:
#
#   SCENARIO=noop DURATION=20 CUSTOMERS=1000 bash bench/http/profile.sh
#
# Environment: SCENARIO (a bench/http/*.lua scenario: noop, single-event, batch, batch-page-view),
# TOP=40 (methods listed), and the settings of run.sh. Needs dotnet-trace
# (`dotnet tool install -g dotnet-trace`). Outputs (the .nettrace, the reports) in OUT_DIR.
set -euo pipefail

LOG_TAG=profile.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bench_init
SCENARIO="${SCENARIO:-noop}"
TOP="${TOP:-40}"
TRACE_TOOL="${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}"
[[ -x "$TRACE_TOOL" ]] || die "dotnet-trace not found: dotnet tool install -g dotnet-trace"

require_tools
build_silo
start_embedded "$OUT_DIR/silo.log"
setup_campaign "$BASE" "$OUT_DIR"
warmup "$BASE" "$OUT_DIR"

trace="$OUT_DIR/$SCENARIO.nettrace"
(
  sleep $((DURATION / 4))
  "$TRACE_TOOL" collect -p "$SILO_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$((DURATION / 2))" -o "$trace" >"$OUT_DIR/trace.log" 2>&1
) &
tracer=$!
run_scenario "$BASE" "$SCENARIO" "$OUT_DIR/$SCENARIO.txt" "$SILO_PID"
wait "$tracer" || die "dotnet-trace failed (see $OUT_DIR/trace.log)"

"$TRACE_TOOL" convert --format Speedscope "$trace" -o "$OUT_DIR/$SCENARIO" >"$OUT_DIR/convert.log" 2>&1 || die "conversion failed (see $OUT_DIR/convert.log)"
echo "== $SCENARIO: $(result "$OUT_DIR/$SCENARIO.txt" rps) requests/s while traced; server CPU $(cpu_per_event "$OUT_DIR/$SCENARIO.txt" "$(per_request "$SCENARIO")") us per event"
python3 "$HERE/cpu-frames.py" "$OUT_DIR/$SCENARIO.speedscope.json" "$TOP" | tee "$OUT_DIR/cpu-frames.txt"
echo "outputs: $OUT_DIR"
