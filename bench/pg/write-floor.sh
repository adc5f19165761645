#!/usr/bin/env bash
# The PostgreSQL floor of one decided event (issue 3): what PostgreSQL alone spends, in CPU, to
# store what the engine must store durably for it, with no engine, no HTTP and no Orleans.
#
#   bash bench/pg/write-floor.sh            # from the repo root; needs a quiet machine
#
# Each decided event is one journal row (invariant 1) and its decision in the hash-chained audit
# log (invariant 4). The rows are shaped like the engine's: the journal payload is a product_view as
# the journal encodes it (40 bytes; ≈ 230 as the JSON of rows before 2026-12-07), the audit
# payload a real decision's (decision-audit-payload.json, captured from the embedded engine with
# the bench campaign of bench/http/lib.sh, ids varied per row). They are written as the engine
# writes them: one transaction per group of GROUP events, one COPY per table. Variants, in one run:
#   journal                    the journal rows alone (an event that yields no decision)
#   journal+audit segment      both, the audit as the engine writes it since schema 010: one
#                              ma_audit_segment row per group, its body SEGMENT_BYTES per decision
#                              (incompressible filler of the compressed size the engine's
#                              segments measured) and the group's keys under the GIN index
#   journal+audit rows         both, the audit as one ma_audit_log row per decision with its four
#                              secondary indexes (schemas 005-009, the design before 010), in a
#                              second database migrated through 009
#   journal+audit segment, no GIN   the segments without their keys' index (a lower bound: the
#                              API's lookups by customer and decision need it)
# CPU = the whole machine's busy time over the load minus psql's own (so the WAL writer and the
# checkpointer count too); text COPY, which PostgreSQL parses a little more slowly than the binary
# COPY the engine uses, so the figures lean high if anything.
#
# Environment (optional): EVENTS=60000  GROUP=500  REPEAT=3  SEGMENT_BYTES=174  OUT_DIR=...
set -euo pipefail

LOG_TAG=write-floor.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../http/lib.sh"
cd "$ROOT"
EVENTS="${EVENTS:-60000}"
GROUP="${GROUP:-500}"
SEGMENT_BYTES="${SEGMENT_BYTES:-174}"
REPEAT="${REPEAT:-3}"
bench_init
start_postgres
as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE floor" >/dev/null
as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE floor_rows" >/dev/null
psql_on() { psql -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -q "${@:2}"; }
# The schema straight from deploy/sql with psql (what `migrate` applies), so nothing needs building;
# floor_rows stops before 010 to keep the audit as rows.
for f in deploy/sql/*.sql; do
  psql_on floor -f "$f" >/dev/null 2>>"$OUT_DIR/schema.log"
  [[ "$(basename "$f")" > 010 ]] || psql_on floor_rows -f "$f" >/dev/null 2>>"$OUT_DIR/schema.log"
done

# --- the load --------------------------------------------------------------------------------
# rows.sql: GROUP events per transaction, audit as rows; segments.sql: the same, audit as one
# segment per transaction; journal.sql: the journal alone.
awk -v events="$EVENTS" -v group="$GROUP" -v bytes="$SEGMENT_BYTES" -v out="$OUT_DIR" '
  NR == 1 { template = $0; next }
  END {
    gsub(/\\/, "\\\\", template)
    # A product_view (channel web, one sku) as the journal writes it, format 1 of src/Grains/Storage/JournalPayload.cs, as COPY text.
    event = "\\\\x01011870726f647563745f76696577006025a0a24fdf080000067765620106736b750a736b752d31"
    srand(42)
    for (start = 0; start < events; start += group) {
      n = (events - start < group) ? events - start : group
      head = "BEGIN;\nCOPY ma_event_journal (customer_id, sequence, event_id, payload) FROM STDIN;\n"
      journal = ""
      for (i = 0; i < n; i++) {
        e = start + i
        customer = sprintf("customer-%d", e)
        journal = journal sprintf("%s\t1\tevt-%d\t%s\n", customer, e, event)
      }
      printf "%s%s\\.\nCOMMIT;\n", head, journal >> (out "/journal.sql")
      printf "%s%s\\.\n", head, journal >> (out "/rows.sql")
      printf "%s%s\\.\n", head, journal >> (out "/segments.sql")
      printf "COPY ma_audit_log (sequence, at, kind, principal, campaign_id, customer_ref, subject_id, operation, approval_id, payload, prev_hash, hash, seal) FROM STDIN;\n" >> (out "/rows.sql")
      keys = "c:bench,k:decision"; body = ""
      for (i = 0; i < n; i++) {
        e = start + i
        ref = sprintf("%08x%08x%08x%08x", int(rand() * 2^31), int(rand() * 2^31), e, int(rand() * 2^31))
        payload = template; sub(/"customerId":"[^"]*"/, "\"customerId\":\"" ref "\"", payload)
        decision = sprintf("%032x", e); sub(/"decisionId":"[^"]*"/, "\"decisionId\":\"" decision "\"", payload)
        hash = sprintf("%064x", e + 1); prev = sprintf("%064x", e)
        at = sprintf("2026-12-01 %02d:%02d:%02d.%03d+00", 12 + int(e / 3600000), int(e / 60000) % 60, int(e / 1000) % 60, e % 1000)
        if (i == 0) first_at = at
        printf "%d\t%s\tdecision\t\\N\tbench\t%s\t%s\tapp-card\t\\N\t%s\t%s\t%s\thmac-sha256:bench\n", e + 1, at, ref, decision, payload, prev, hash >> (out "/rows.sql")
        keys = keys ",u:" ref ",s:" decision
        filler = ""; for (b = 0; b < bytes; b++) filler = filler sprintf("%02x", int(rand() * 256))
        body = body filler
      }
      printf "\\.\nCOMMIT;\n" >> (out "/rows.sql")
      printf "COPY ma_audit_segment (first_sequence, last_sequence, first_at, last_at, last_hash, codec, entries, keys) FROM STDIN;\n" >> (out "/segments.sql")
      printf "%d\t%d\t%s\t%s\t%s\tzstd\t\\\\x%s\t{%s}\n\\.\nCOMMIT;\n", start + 1, start + n, first_at, at, hash, body, keys >> (out "/segments.sql")
    }
  }' bench/pg/decision-audit-payload.json /dev/null

busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# load_once DB FILE: PostgreSQL's CPU seconds for loading FILE into DB's emptied tables.
load_once() {
  local before after own audit=ma_audit_segment
  [[ "$1" == floor_rows ]] && audit=ma_audit_log
  psql_on "$1" -c "TRUNCATE ma_event_journal; ALTER TABLE $audit DISABLE TRIGGER ${audit}_append_only; TRUNCATE $audit; ALTER TABLE $audit ENABLE TRIGGER ${audit}_append_only; CHECKPOINT" >/dev/null
  sleep 1
  before=$(busy_ticks)
  # `times` in the subshell: the second line is its children's (psql's) user and system time.
  ( psql_on "$1" -f "$2" >/dev/null; times ) | tail -1 >"$OUT_DIR/psql-time"
  after=$(busy_ticks)
  own=$(awk '{ for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] } print s }' "$OUT_DIR/psql-time")
  awk -v b="$before" -v a="$after" -v t="$TICKS" -v own="$own" 'BEGIN { printf "%.3f\n", (a - b) / t - own }'
}
# measure NAME DB FILE: every one of REPEAT loads and the least (the floor: the runs a stray process disturbed show in the spread).
RESULTS="$OUT_DIR/results.tsv"; : >"$RESULTS"
measure() {
  local name=$1 best="" all="" s i
  for i in $(seq 1 "$REPEAT"); do
    s=$(load_once "$2" "$3")
    all="$all $s"
    [[ -z "$best" ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }' && best=$s
  done
  awk -v n="$name" -v s="$best" -v ev="$EVENTS" 'BEGIN { printf "%s\t%.2f\t%.1f\n", n, s, s * 1e6 / ev }' >>"$RESULTS"
  log "$name: ${best}s of PostgreSQL CPU (least of $REPEAT; every run:$all)"
}
# Once untimed per database: the first load also creates the WAL segments the later ones recycle.
load_once floor "$OUT_DIR/segments.sql" >/dev/null
load_once floor_rows "$OUT_DIR/rows.sql" >/dev/null
measure "journal" floor "$OUT_DIR/journal.sql"
measure "journal+audit segment" floor "$OUT_DIR/segments.sql"
measure "journal+audit rows" floor_rows "$OUT_DIR/rows.sql"
psql_on floor -c "DROP INDEX ma_audit_segment_keys" >/dev/null
measure "journal+audit segment, no GIN" floor "$OUT_DIR/segments.sql"

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
