#!/usr/bin/env bash
# Durable ingestion next to embedded mode, in one run (issue 3): for each mode in MODES
#   embedded   one process, in-memory (as run.sh)
#   cluster:1  one cluster-mode silo on PostgreSQL (journal + state + reminders durable)
#   cluster:3  three cluster-mode silos on the same PostgreSQL; wrk targets silo 1's HTTP
#              gateway, grains spread over all three silos
# it runs the SCENARIOS (single-event, batch) with the wrk scripts of bench/http, and prints one
# table: requests/s, events/s, p50/p99, server CPU per event and, for cluster modes, the event
# journal's mean group-commit size and mean commit latency over the scenario (from each silo's
# GET /metrics: delta of the histograms' _sum/_count before/after, summed over silos); the log
# also gives the customer snapshots' reads and writes and their mean batch sizes.
#
#   DURATION=15 bash bench/http/durable.sh        # from the repo root
#
# Environment (all optional; see also run.sh):
#   DURATION=20  WARMUP=15  THREADS=2  CONNECTIONS=32  BATCH=500  CUSTOMERS=100000
#   BATCH_CONNECTIONS=$CONNECTIONS   wrk connections of the batch scenario only
#   MODES="embedded cluster:1 cluster:3"   SCENARIOS="single-event batch"
#   (also batch-page-view: the batch scenario with events that yield no decision; a scenario
#   named twice runs twice, the second time on the customers the first activated: its row is
#   "<scenario>#2", and the targets use the last run)
#   OUT_DIR=...  SKIP_BUILD=1
#   PG_STATEMENTS=1   also writes PostgreSQL's top statements per scenario (pg_stat_statements)
#
# It starts a throwaway PostgreSQL (initdb as the postgres user, loopback port, socket in /tmp,
# data dir under /tmp), one fresh database + migrate per cluster mode, and stops everything it
# started, by pid, on exit / error / Ctrl-C (the PostgreSQL data dir is deleted). Cluster silos
# are stopped gracefully (SIGTERM: the journal flushes) before the next mode starts.
set -euo pipefail

LOG_TAG=durable.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
DURATION="${DURATION:-20}"
bench_init
SCENARIOS="${SCENARIOS:-single-event batch}"
MODES="${MODES:-embedded cluster:1 cluster:3}"

require_tools
build_silo
[[ "$MODES" == *cluster* ]] && start_postgres

# --- journal metrics -------------------------------------------------------------------------
# scrape FILE URL...: the Prometheus text of every silo, concatenated.
scrape() {
  local file=$1 url; shift
  : >"$file"
  for url in "$@"; do curl -fsS --max-time 30 "$url/metrics" >>"$file" 2>/dev/null || log "could not scrape $url/metrics"; done
}
# metric_sum FILE REGEX: sum of the samples whose metric name (labels excluded) matches REGEX.
metric_sum() {
  awk -v re="$2" '
    /^#/ || NF < 2 { next }
    { name = $0; sub(/[{ ].*$/, "", name); if (name !~ re) next
      rest = $0; if (index(rest, "}") > 0) sub(/^.*\}/, "", rest); else sub(/^[^ ]+/, "", rest)
      split(rest, f, " "); s += f[1] }
    END { printf "%.6f\n", s + 0 }' "$1"
}
BATCH_RE='^ma_journal_batch_size[a-z_]*'
COMMIT_RE='^ma_journal_commit_duration[a-z_]*'
WAIT_RE='^ma_journal_connection_wait[a-z_]*'
# journal_delta BEFORE AFTER: "<commits> <events journaled> <mean batch> <mean commit ms> <mean connection wait ms>".
journal_delta() {
  local bc bs cc cs wc ws
  bc=$(awk -v a="$(metric_sum "$1" "${BATCH_RE}_count\$")" -v b="$(metric_sum "$2" "${BATCH_RE}_count\$")" 'BEGIN { print b - a }')
  bs=$(awk -v a="$(metric_sum "$1" "${BATCH_RE}_sum\$")" -v b="$(metric_sum "$2" "${BATCH_RE}_sum\$")" 'BEGIN { print b - a }')
  cc=$(awk -v a="$(metric_sum "$1" "${COMMIT_RE}_count\$")" -v b="$(metric_sum "$2" "${COMMIT_RE}_count\$")" 'BEGIN { print b - a }')
  cs=$(awk -v a="$(metric_sum "$1" "${COMMIT_RE}_sum\$")" -v b="$(metric_sum "$2" "${COMMIT_RE}_sum\$")" 'BEGIN { print b - a }')
  # The commit histogram is in ms unless its name says seconds.
  grep -q '^ma_journal_commit_duration_seconds' "$2" && cs=$(awk -v s="$cs" 'BEGIN { print s * 1000 }')
  # Waiting for a pooled connection (commits and tail reads), kept apart from the commit itself.
  wc=$(awk -v a="$(metric_sum "$1" "${WAIT_RE}_count\$")" -v b="$(metric_sum "$2" "${WAIT_RE}_count\$")" 'BEGIN { print b - a }')
  ws=$(awk -v a="$(metric_sum "$1" "${WAIT_RE}_sum\$")" -v b="$(metric_sum "$2" "${WAIT_RE}_sum\$")" 'BEGIN { print b - a }')
  grep -q '^ma_journal_connection_wait_seconds' "$2" && ws=$(awk -v s="$ws" 'BEGIN { print s * 1000 }')
  awk -v bc="$bc" -v bs="$bs" -v cc="$cc" -v cs="$cs" -v wc="$wc" -v ws="$ws" 'BEGIN {
    printf "%d %d %s %s %s\n", bc, bs, (bc > 0 ? sprintf("%.1f", bs / bc) : "-"), (cc > 0 ? sprintf("%.2f", cs / cc) : "-"), (wc > 0 ? sprintf("%.2f", ws / wc) : "-") }'
}

# snapshot_delta BEFORE AFTER: "<reads> <mean activations per read query> <writes> <mean snapshots per write batch>".
snapshot_delta() {
  local name c s out=""
  for name in read write; do
    c=$(awk -v a="$(metric_sum "$1" "^ma_snapshots_${name}_batch_size_count\$")" -v b="$(metric_sum "$2" "^ma_snapshots_${name}_batch_size_count\$")" 'BEGIN { print b - a }')
    s=$(awk -v a="$(metric_sum "$1" "^ma_snapshots_${name}_batch_size_sum\$")" -v b="$(metric_sum "$2" "^ma_snapshots_${name}_batch_size_sum\$")" 'BEGIN { print b - a }')
    out+=$(awk -v c="$c" -v s="$s" 'BEGIN { printf "%d %s ", s, (c > 0 ? sprintf("%.1f", s / c) : "-") }')
  done
  echo "${out% }"
}

# CPU of PostgreSQL: the postmaster's own time + its reaped children's (cutime/cstime: backends
# that exited) + the live children's (backends, walwriter, checkpointer...). Monotonic.
pg_ticks() {
  [[ -n "${PG_PID:-}" && -r "/proc/$PG_PID/stat" ]] || { echo 0; return; }
  local sum t pid
  sum=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$PG_PID/stat")
  for pid in $(ps -o pid= --ppid "$PG_PID"); do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) && sum=$((sum + t))
  done
  echo "$sum"
}

# --- one mode --------------------------------------------------------------------------------
RESULTS="$OUT_DIR/results.tsv"   # mode silos scenario file journal(commits events batch ms) pg_cpu_s
: >"$RESULTS"

run_mode() {
  local mode=$1 n=1 name dir base urls=() i http sp gp cluster_id
  if [[ "$mode" == cluster:* ]]; then n=${mode#cluster:}; name="cluster-$n"; else name=embedded; fi
  dir="$OUT_DIR/$name"; mkdir -p "$dir"

  if [[ "$name" == embedded ]]; then
    free_port http; free_port sp; free_port gp
    base="http://127.0.0.1:$http"; urls=("$base")
    log "[$name] starting embedded silo on $base"
    start_silo "$dir/silo1.log" --urls "$base" \
      --MarketingActors:Silo:SiloPort="$sp" --MarketingActors:Silo:GatewayPort="$gp"
    wait_ready "$SILO_PID" "$dir/silo1.log" curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{}' "$base/v1/noop"
  else
    cluster_id="bench$n-$RUN_ID"
    create_database "bench_c$n"
    CLUSTER_URLS=()
    for i in $(seq 1 "$n"); do start_cluster_silo "$dir/silo$i.log" "$cluster_id"; done
    urls=("${CLUSTER_URLS[@]}")
    for i in $(seq 1 "$n"); do
      wait_ready "${STARTED_PIDS[$((i - 1))]}" "$dir/silo$i.log" curl -fsS "${urls[$((i - 1))]}/health/ready"
    done
    base="${urls[0]}"
  fi
  log "[$name] ready: pid(s) ${STARTED_PIDS[*]}"

  setup_campaign "$base" "$dir"
  warmup "$base" "$dir"
  local run out pg_before_t pg_after_t j pg_s
  for run in $(scenario_runs); do
    out="$dir/$run.txt"
    if [[ "$name" != embedded ]]; then
      scrape "$dir/$run.metrics.before" "${urls[@]}"
      pg_statements "bench_c$n" /dev/null
    fi
    pg_before_t=$(pg_ticks)
    run_scenario "$base" "${run%#*}" "$out" "${STARTED_PIDS[@]}"
    pg_after_t=$(pg_ticks)
    j="- - - - -"; pg_s="-"
    if [[ "$name" != embedded ]]; then
      scrape "$dir/$run.metrics.after" "${urls[@]}"
      pg_statements "bench_c$n" "$dir/$run.pg-statements.txt"
      j=$(journal_delta "$dir/$run.metrics.before" "$dir/$run.metrics.after")
      pg_s=$(awk -v a="$pg_before_t" -v b="$pg_after_t" -v t="$TICKS" 'BEGIN { printf "%.2f", (b - a) / t }')
      log "[$name] journal over $run: commits/events/mean batch/mean commit ms/mean connection wait ms = $j; PostgreSQL CPU ${pg_s}s"
      log "[$name] customer snapshots over $run: reads/mean per query/writes/mean per batch = $(snapshot_delta "$dir/$run.metrics.before" "$dir/$run.metrics.after")"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$n" "$run" "$out" "$j" "$pg_s" >>"$RESULTS"
  done
  for i in "${STARTED_PIDS[@]}"; do kill -0 "$i" 2>/dev/null || die "[$name] silo pid $i died during the run (see $dir)"; done
  if [[ "$name" != embedded ]]; then
    log "[$name] audit segments over the whole run: $(audit_segments "bench_c$n")"
    log "[$name] event journal over the whole run: $(journal_rows "bench_c$n")"
    log "[$name] autovacuum over the whole run (table: analyses / vacuums): $(autovacuum_runs "bench_c$n")"
  fi
  stop_silos
}

# audit_segments DB: how the audit log was stored (the figure bench/pg/write-floor.sh's SEGMENT_BYTES comes from).
audit_segments() {
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -Atc \
    "SELECT count(*) || ' segments, ' || sum(last_sequence - first_sequence + 1) || ' entries, '
            || round(avg(last_sequence - first_sequence + 1), 1) || ' entries per segment, '
            || round(sum(octet_length(entries))::numeric / sum(last_sequence - first_sequence + 1), 1) || ' stored bytes per entry'
     FROM ma_audit_segment" 2>&1 || true
}

# journal_rows DB: the journal's rows, their payloads and what a row takes on disk with its share of the indexes.
journal_rows() {
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -Atc \
    "WITH rows AS (SELECT count(*) AS n, avg(octet_length(payload)) AS payload FROM ma_event_journal),
          disk AS (SELECT sum(pg_total_relation_size(inhrelid)) AS bytes FROM pg_inherits WHERE inhparent = 'ma_event_journal'::regclass)
     SELECT n || ' rows, ' || round(payload, 1) || ' payload bytes and ' || round(bytes::numeric / n, 1) || ' bytes on disk per row (table and indexes)'
     FROM rows, disk" 2>&1 || true
}

# autovacuum_runs DB: how often autovacuum analysed and vacuumed each table (partitions summed):
# PostgreSQL's own background share of an event, which the table's growth from empty drives.
autovacuum_runs() {
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -Atc \
    "SELECT string_agg(t || ' ' || a || ' / ' || v, ', ' ORDER BY a + v DESC)
     FROM (SELECT regexp_replace(relname, '_p[0-9]+$', '') AS t, sum(autoanalyze_count) AS a, sum(autovacuum_count) AS v
           FROM pg_stat_user_tables GROUP BY 1 HAVING sum(autoanalyze_count) + sum(autovacuum_count) > 0) s" 2>&1 || true
}

for mode in $MODES; do run_mode "$mode"; done

# --- summary ---------------------------------------------------------------------------------
{
  echo
  echo "== MarketingActors durable ingestion  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  load avg $(cut -d' ' -f1-3 /proc/loadavg)  wrk -t$THREADS -c$CONNECTIONS (batch: -c$BATCH_CONNECTIONS) -d${DURATION}s  customers=$CUSTOMERS  batch=$BATCH"
  printf '%-9s %5s %-13s %10s %10s %9s %9s %6s %10s %10s %8s %10s %10s\n' mode silos scenario "req/s" "events/s" "p50 ms" "p99 ms" errors "silo us/ev" "pg us/ev" "j.batch" "commit ms" "c.wait ms"
  while IFS=$'\t' read -r name n run out j pg_s; do
    read -r _ _ jbatch jms jwait <<<"$j"
    pg_us="-"
    if [[ "$pg_s" != "-" ]]; then
      pg_us=$(awk -v c="$pg_s" -v r="$(result "$out" requests)" -v p="$(per_request "${run%#*}")" 'BEGIN { if (r > 0) printf "%.1f", c * 1e6 / (r * p); else print "-" }')
    fi
    printf '%-9s %5s %-13s %10s %10s %9s %9s %6s %10s %10s %8s %10s %10s\n' "$name" "$n" "$run" \
      "$(result "$out" rps)" "$(result "$out" events_per_s)" "$(result "$out" p50_ms)" "$(result "$out" p99_ms)" \
      "$(( $(result "$out" non2xx) + $(result "$out" socket_errors) ))" \
      "$(cpu_per_event "$out" "$(per_request "${run%#*}")")" "$pg_us" "$jbatch" "$jms" "$jwait"
  done <"$RESULTS"
  echo
  echo "targets (issue 19):"
  eps() { awk -F'\t' -v m="$1" -v r="$(last_run "$2")" '$1 == m && $3 == r { print $4 }' "$RESULTS" | head -1 | { read -r f && [[ -n "$f" ]] && result "$f" events_per_s; } || true; }
  emb=$(eps embedded single-event)
  for c in cluster-1 cluster-3; do
    d=$(eps "$c" single-event)
    [[ -n "$emb" && -n "$d" ]] && awk -v d="$d" -v e="$emb" -v c="$c" 'BEGIN { r = 100 * d / e; printf "  %s single-event >= 40%% of embedded : %5.1f%%  %s\n", c, r, (r >= 40 ? "MET" : "MISSED") }'
    b=$(eps "$c" batch)
    [[ -n "$b" ]] && awk -v b="$b" -v c="$c" 'BEGIN { printf "  %s batched, decided, >= 15k events/s : %.0f/s  %s\n", c, b, (b >= 15000 ? "MET" : "MISSED") }'
    b=$(eps "$c" batch-page-view)
    [[ -n "$b" ]] && awk -v b="$b" -v c="$c" 'BEGIN { printf "  %s batched, no decisions, >= 40k/s   : %.0f/s  %s\n", c, b, (b >= 40000 ? "MET" : "MISSED") }'
  done
  echo "  (wrk, the silos and PostgreSQL share the same $(nproc) cores; see docs/benchmarks.md)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
