#!/usr/bin/env bash
# Where the server's time goes under one wrk scenario: starts the embedded silo (as run.sh does),
# warms it up, runs the scenario for DURATION seconds and, from a quarter into it, samples the
# silo for half of it; then prints where the CPU went. Run from the repo root:
#
#   SCENARIO=noop DURATION=20 CUSTOMERS=1000 bash bench/http/profile.sh
#
# Environment: SCENARIO (a bench/http/*.lua scenario: noop, single-event, single-page-view, batch,
# batch-page-view), TOP=40 (methods listed), PROFILER and the settings of run.sh:
#   PROFILER=perf         (default) on-CPU samples with `perf record -g` (Debian: linux-perf), JIT
#                         frames named through the runtime's perf map; perf-frames.py prints the
#                         share by layer, the frames by samples of their own and the engine's and
#                         Orleans' frames inclusive. Only running threads are sampled (the
#                         kernel's share too when root or kernel.perf_event_paranoid <= 1).
#   PROFILER=dotnet-trace dotnet-sampled-thread-time (`dotnet tool install -g dotnet-trace`),
#                         cpu-frames.py. It samples every thread and counts one waiting in native
#                         code or stopped for a collection as running: its PollGC, lock-wait and
#                         native shares are several times what perf finds on CPU
#                         (docs/benchmarks-history.md, 2026-12-06 eighth session). For managed call paths.
#   PROFILER=gc           every garbage collection's pause and promoted bytes, from the runtime's
#                         own events (bench/MarketingActors.Benchmarks `gc-pauses`, built here):
#                         the pauses every request in flight waits out, so what sets the p99.
#   DURABLE=1             the scenario against one cluster-mode silo on a throwaway PostgreSQL (as
#                         durable.sh's cluster:1) and, with perf, the whole machine sampled (`-a`):
#                         perf-machine.py prints each process's share and PostgreSQL's samples by
#                         the work they ran under, then perf-frames.py the silo's as above.
#                         BATCH_CONNECTIONS=4 profiles what durable.sh's batch figures measure.
# Outputs (the trace or perf.data, the reports) in OUT_DIR.
set -euo pipefail

LOG_TAG=profile.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bench_init
SCENARIO="${SCENARIO:-noop}"
TOP="${TOP:-40}"
PROFILER="${PROFILER:-perf}"
case "$PROFILER" in
  perf)
    command -v perf >/dev/null || die "perf not found: apt-get install linux-perf (or PROFILER=dotnet-trace)"
    # JIT frames are named from /tmp/perf-<pid>.map; without W^X the code is not behind a memfd mapping perf cannot read.
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ;;
  dotnet-trace)
    TRACE_TOOL="${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}"
    [[ -x "$TRACE_TOOL" ]] || die "dotnet-trace not found: dotnet tool install -g dotnet-trace" ;;
  gc)
    GC_TOOL="$ROOT/bench/MarketingActors.Benchmarks/bin/Release/net10.0/MarketingActors.Benchmarks.dll"
    if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$GC_TOOL" ]]; then
      dotnet build "$ROOT/bench/MarketingActors.Benchmarks" -c Release -nologo -v q >"$OUT_DIR/build-benchmarks.log" 2>&1 \
        || { tail -30 "$OUT_DIR/build-benchmarks.log" >&2; die "bench/MarketingActors.Benchmarks build failed"; }
    fi ;;
  *) die "PROFILER is perf, dotnet-trace or gc, not $PROFILER" ;;
esac

DURABLE="${DURABLE:-0}"
[[ "$DURABLE" == 1 && "$PROFILER" == dotnet-trace ]] && die "DURABLE=1 profiles with perf or gc"

require_tools
build_silo
if [[ "$DURABLE" == 1 ]]; then
  start_postgres
  create_database bench_profile
  start_cluster_silo "$OUT_DIR/silo.log" "profile-$RUN_ID"
  BASE="${CLUSTER_URLS[0]}"
  wait_ready "$SILO_PID" "$OUT_DIR/silo.log" curl -fsS "$BASE/health/ready"
else
  start_embedded "$OUT_DIR/silo.log"
fi
setup_campaign "$BASE" "$OUT_DIR"
warmup "$BASE" "$OUT_DIR"

sample() {
  sleep $((DURATION / 4))
  if [[ "$PROFILER" == gc ]]; then
    dotnet "$GC_TOOL" gc-pauses "$SILO_PID" $((DURATION / 2)) >"$OUT_DIR/gc-pauses.md" 2>"$OUT_DIR/trace.log"
  elif [[ "$PROFILER" == perf ]]; then
    local target=(-p "$SILO_PID")
    [[ "$DURABLE" == 1 ]] && target=(-a)
    perf record -e cpu-clock -F 999 -g "${target[@]}" -o "$OUT_DIR/perf.data" -- sleep $((DURATION / 2)) >"$OUT_DIR/trace.log" 2>&1
  else
    "$TRACE_TOOL" collect -p "$SILO_PID" --profile dotnet-sampled-thread-time --duration "00:00:00:$((DURATION / 2))" -o "$OUT_DIR/$SCENARIO.nettrace" >"$OUT_DIR/trace.log" 2>&1
  fi
}
sample &
sampler=$!
run_scenario "$BASE" "$SCENARIO" "$OUT_DIR/$SCENARIO.txt" "$SILO_PID"
wait "$sampler" || die "$PROFILER failed (see $OUT_DIR/trace.log)"

echo "== $SCENARIO: $(result "$OUT_DIR/$SCENARIO.txt" rps) requests/s while sampled; server CPU $(cpu_per_event "$OUT_DIR/$SCENARIO.txt" "$(per_request "$SCENARIO")") us per event"
if [[ "$PROFILER" == gc ]]; then
  grep '^gen' "$OUT_DIR/gc-pauses.md"
  echo "every pause: $OUT_DIR/gc-pauses.md; the run's p99: $(result "$OUT_DIR/$SCENARIO.txt" p99_ms) ms"
elif [[ "$PROFILER" == perf ]]; then
  if [[ "$DURABLE" == 1 ]]; then
    perf script -F comm,pid,ip,sym,dso -i "$OUT_DIR/perf.data" >"$OUT_DIR/machine.txt" 2>>"$OUT_DIR/trace.log" || die "perf script failed (see $OUT_DIR/trace.log)"
    python3 "$HERE/perf-machine.py" "$OUT_DIR/machine.txt" "$SILO_PID" | tee "$OUT_DIR/machine-shares.txt"
  fi
  perf script -F ip,sym,dso --pid "$SILO_PID" -i "$OUT_DIR/perf.data" >"$OUT_DIR/samples.txt" 2>>"$OUT_DIR/trace.log" || die "perf script failed (see $OUT_DIR/trace.log)"
  rm -f "/tmp/perf-$SILO_PID.map"
  python3 "$HERE/perf-frames.py" "$OUT_DIR/samples.txt" "$TOP" | tee "$OUT_DIR/cpu-frames.txt"
else
  "$TRACE_TOOL" convert --format Speedscope "$OUT_DIR/$SCENARIO.nettrace" -o "$OUT_DIR/$SCENARIO" >"$OUT_DIR/convert.log" 2>&1 || die "conversion failed (see $OUT_DIR/convert.log)"
  python3 "$HERE/cpu-frames.py" "$OUT_DIR/$SCENARIO.speedscope.json" "$TOP" | tee "$OUT_DIR/cpu-frames.txt"
fi
echo "outputs: $OUT_DIR"
