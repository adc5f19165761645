#!/usr/bin/env bash
# The PostgreSQL floor of one decided event (issue 3): what PostgreSQL alone spends, in CPU, to
# store what the engine must store durably for it, with no engine, no HTTP and no Orleans.
#
#   bash bench/pg/write-floor.sh            # from the repo root; needs a quiet machine
#
# Each decided event is one journal row (invariant 1) and one decision row in the hash-chained
# audit log (invariant 4). The rows are shaped like the engine's: the journal payload is a
# product_view as the journal serializes it, the audit payload is a real decision's
# (decision-audit-payload.json, captured from the embedded engine with the bench campaign of
# bench/http/lib.sh, ids varied per row). They are written as the engine writes them: one
# transaction per group of GROUP events, one COPY per table. Variants:
#   journal                    the journal rows alone (an event that yields no decision)
#   journal+audit              both, with the audit log's indexes as deploy/sql ships them
#   journal+audit, pk only     both, the audit log without its secondary indexes (a lower bound:
#                              the API's audit queries by campaign and customer need them)
# CPU = the whole machine's busy time over the load minus psql's own (so the WAL writer and the
# checkpointer count too); text COPY, which PostgreSQL parses a little more slowly than the binary
# COPY the engine uses, so the figures lean high if anything.
#
# Environment (optional): EVENTS=60000  GROUP=500  REPEAT=3  OUT_DIR=...
set -euo pipefail

LOG_TAG=write-floor.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../http/lib.sh"
cd "$ROOT"
EVENTS="${EVENTS:-60000}"
GROUP="${GROUP:-500}"
REPEAT="${REPEAT:-3}"
bench_init
start_postgres
as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE floor" >/dev/null
PSQL=(psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d floor -q)
# The schema straight from deploy/sql with psql (what `migrate` applies), so nothing needs building.
for f in deploy/sql/*.sql; do "${PSQL[@]}" -f "$f" >/dev/null 2>>"$OUT_DIR/schema.log"; done

# --- the load --------------------------------------------------------------------------------
# load.sql: GROUP events per transaction; journal.sql: the same without the audit COPY.
awk -v events="$EVENTS" -v group="$GROUP" -v out="$OUT_DIR" '
  NR == 1 { template = $0; next }
  END {
    gsub(/\\/, "\\\\", template)
    srand(42)
    for (start = 0; start < events; start += group) {
      n = (events - start < group) ? events - start : group
      head = "BEGIN;\nCOPY ma_event_journal (customer_id, sequence, event_id, payload) FROM STDIN;\n"
      printf "%s", head >> (out "/load.sql"); printf "%s", head >> (out "/journal.sql")
      for (i = 0; i < n; i++) {
        e = start + i
        customer = sprintf("customer-%d", e)
        row = sprintf("%s\t1\tevt-%d\t{\"EventId\":\"evt-%d\",\"CustomerId\":\"%s\",\"Type\":\"product_view\",\"Channel\":\"web\",\"Timestamp\":\"2026-12-01T12:00:00+00:00\",\"Properties\":{\"sku\":\"sku-%d\"},\"CampaignId\":null,\"DecisionId\":null,\"Value\":null}\n", customer, e, e, customer, e % 500)
        printf "%s", row >> (out "/load.sql"); printf "%s", row >> (out "/journal.sql")
      }
      printf "\\.\n" >> (out "/load.sql"); printf "\\.\nCOMMIT;\n" >> (out "/journal.sql")
      printf "COPY ma_audit_log (sequence, at, kind, principal, campaign_id, customer_ref, subject_id, operation, approval_id, payload, prev_hash, hash) FROM STDIN;\n" >> (out "/load.sql")
      for (i = 0; i < n; i++) {
        e = start + i
        ref = sprintf("%08x%08x%08x%08x", int(rand() * 2^31), int(rand() * 2^31), e, int(rand() * 2^31))
        payload = template; sub(/"customerId":"[^"]*"/, "\"customerId\":\"" ref "\"", payload)
        decision = sprintf("%032x", e); sub(/"decisionId":"[^"]*"/, "\"decisionId\":\"" decision "\"", payload)
        hash = sprintf("%064x", e + 1); prev = sprintf("%064x", e)
        at = sprintf("2026-12-01 %02d:%02d:%02d.%03d+00", 12 + int(e / 3600000), int(e / 60000) % 60, int(e / 1000) % 60, e % 1000)
        printf "%d\t%s\tdecision\t\\N\tbench\t%s\t%s\tapp-card\t\\N\t%s\t%s\t%s\n", e + 1, at, ref, decision, payload, prev, hash >> (out "/load.sql")
      }
      printf "\\.\nCOMMIT;\n" >> (out "/load.sql")
    }
  }' bench/pg/decision-audit-payload.json /dev/null

busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# load_once FILE: PostgreSQL's CPU seconds for loading FILE into emptied tables.
load_once() {
  local before after own
  "${PSQL[@]}" -c "TRUNCATE ma_event_journal; ALTER TABLE ma_audit_log DISABLE TRIGGER ma_audit_log_append_only; TRUNCATE ma_audit_log; ALTER TABLE ma_audit_log ENABLE TRIGGER ma_audit_log_append_only; CHECKPOINT" >/dev/null
  sleep 1
  before=$(busy_ticks)
  # `times` in the subshell: the second line is its children's (psql's) user and system time.
  ( "${PSQL[@]}" -f "$1" >/dev/null; times ) | tail -1 >"$OUT_DIR/psql-time"
  after=$(busy_ticks)
  own=$(awk '{ for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } print s }' "$OUT_DIR/psql-time")
  awk -v b="$before" -v a="$after" -v t="$TICKS" -v own="$own" 'BEGIN { printf "%.3f\n", (a - b) / t - own }'
}
# measure NAME FILE: the least of REPEAT loads (the floor: the runs a stray process disturbed are dropped).
RESULTS="$OUT_DIR/results.tsv"; : >"$RESULTS"
measure() {
  local name=$1 file=$2 best="" s i
  for i in $(seq 1 "$REPEAT"); do
    s=$(load_once "$file")
    [[ -z "$best" ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }' && best=$s
  done
  awk -v n="$name" -v s="$best" -v ev="$EVENTS" 'BEGIN { printf "%s\t%.2f\t%.1f\n", n, s, s * 1e6 / ev }' >>"$RESULTS"
  log "$name: ${best}s of PostgreSQL CPU (least of $REPEAT)"
}
# Once untimed: the first load also creates the WAL segments the later ones recycle.
load_once "$OUT_DIR/load.sql" >/dev/null
measure "journal" "$OUT_DIR/journal.sql"
measure "journal+audit" "$OUT_DIR/load.sql"
"${PSQL[@]}" -c "DROP INDEX ma_audit_log_campaign, ma_audit_log_customer, ma_audit_log_principal, ma_audit_log_at" >/dev/null
measure "journal+audit, pk only" "$OUT_DIR/load.sql"

{
  echo
  echo "== PostgreSQL write floor  $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores  load avg $(cut -d' ' -f1-3 /proc/loadavg)  $("$PG_BIN/postgres" --version)  events=$EVENTS group=$GROUP"
  printf '%-26s %12s %14s %22s\n' rows "pg cpu s" "pg us/event" "events/s on $(nproc) cores"
  while IFS=$'\t' read -r name s us; do
    printf '%-26s %12s %14s %22s\n' "$name" "$s" "$us" "$(awk -v u="$us" -v c="$(nproc)" 'BEGIN { printf "%.0f", c * 1e6 / u }')"
  done <"$RESULTS"
  echo "  (the last column is PostgreSQL alone using every core: no engine, no HTTP, no load generator)"
  echo "outputs: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
