-- MarketingActors schema 010: the audit log by segment.

-- One row per appended batch (src/Grains/Core/Governance/AuditSegment.cs): the batch's entries in
-- a compact binary encoding (zstd-compressed by the engine, codec 'binary' for the rows moved here
-- below), their sequence range, time range and the last entry's hash (the chain head), and the keys
-- the audit API looks entries up by (c:campaign, u:customer ref, s:subject, p:principal, k:kind)
-- under one GIN index. Every entry keeps its own hash and link inside the body, so verification
-- still names the first edited entry; it also holds each row's range, head and keys against the
-- entries it decodes, so a hidden or re-labelled entry shows too.
CREATE TABLE ma_audit_segment
(
    first_sequence bigint       PRIMARY KEY,
    last_sequence  bigint       NOT NULL,
    first_at       timestamptz  NOT NULL,
    last_at        timestamptz  NOT NULL,
    last_hash      char(64)     NOT NULL,
    codec          varchar(16)  NOT NULL,
    entries        bytea        NOT NULL,
    keys           text[]       NOT NULL,
    CHECK (last_sequence >= first_sequence),
    -- One writer at a time (a stale one fails its batch instead of forking the chain), whatever its batch size.
    EXCLUDE USING gist (int8range(first_sequence, last_sequence, '[]') WITH &&)
);

-- Compressed already: stored out of line without a second compression attempt.
ALTER TABLE ma_audit_segment ALTER COLUMN entries SET STORAGE EXTERNAL;
CREATE INDEX ma_audit_segment_keys ON ma_audit_segment USING gin (keys);
CREATE INDEX ma_audit_segment_at ON ma_audit_segment (last_at);

CREATE OR REPLACE FUNCTION ma_audit_segment_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'ma_audit_segment is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER ma_audit_segment_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ma_audit_segment
    FOR EACH STATEMENT EXECUTE FUNCTION ma_audit_segment_append_only();

-- The rows of ma_audit_log move over in segments of 1,000, encoded in SQL exactly as the engine
-- encodes (int4send/int8send are big-endian), in this migration's transaction: all or nothing.
CREATE FUNCTION pg_temp.ma_audit_text(t text) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$
SELECT CASE WHEN t IS NULL THEN int4send(-1) ELSE int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8') END
$$;

WITH numbered AS
(
    SELECT l.*, (row_number() OVER (ORDER BY sequence) - 1) / 1000 AS segment FROM ma_audit_log l
)
INSERT INTO ma_audit_segment (first_sequence, last_sequence, first_at, last_at, last_hash, codec, entries, keys)
SELECT min(sequence), max(sequence), min(at), max(at), (array_agg(hash ORDER BY sequence DESC))[1], 'binary',
       int4send(count(*)::int) || string_agg(
           int8send(sequence) || int8send((extract(epoch FROM at) * 1000000)::bigint)
           || pg_temp.ma_audit_text(kind) || pg_temp.ma_audit_text(principal) || pg_temp.ma_audit_text(campaign_id)
           || pg_temp.ma_audit_text(customer_ref) || pg_temp.ma_audit_text(subject_id) || pg_temp.ma_audit_text(operation)
           || pg_temp.ma_audit_text(approval_id) || pg_temp.ma_audit_text(payload) || pg_temp.ma_audit_text(prev_hash)
           || pg_temp.ma_audit_text(hash) || pg_temp.ma_audit_text(seal), ''::bytea ORDER BY sequence),
       ARRAY(SELECT DISTINCT k COLLATE "C" FROM numbered n2,
                 unnest(ARRAY['c:' || n2.campaign_id, 'u:' || n2.customer_ref, 's:' || n2.subject_id, 'p:' || n2.principal, 'k:' || n2.kind]) AS k
             WHERE n2.segment = n.segment AND k IS NOT NULL ORDER BY 1)
FROM numbered n
GROUP BY segment;

DROP TABLE ma_audit_log;
DROP FUNCTION ma_audit_log_append_only();
