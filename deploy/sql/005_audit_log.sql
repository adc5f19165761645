-- MarketingActors schema 004: the audit log in cluster mode.

-- Append-only and hash-chained: hash = SHA-256 over every other column (length-prefixed), prev_hash
-- the previous row's hash. One writer (the cluster's single audit log grain activation) appends
-- batches; the primary key on sequence makes a second writer's batch fail instead of forking the chain.
CREATE TABLE IF NOT EXISTS ma_audit_log
(
    sequence     bigint       PRIMARY KEY,
    at           timestamptz  NOT NULL,
    kind         varchar(32)  NOT NULL,
    principal    varchar(128),
    campaign_id  varchar(128),
    customer_ref varchar(64),
    subject_id   varchar(128),
    operation    varchar(128),
    approval_id  varchar(128),
    payload      text         NOT NULL,
    prev_hash    char(64)     NOT NULL,
    hash         char(64)     NOT NULL
);

CREATE INDEX IF NOT EXISTS ma_audit_log_campaign ON ma_audit_log (campaign_id, sequence DESC) WHERE campaign_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ma_audit_log_customer ON ma_audit_log (customer_ref, sequence DESC) WHERE customer_ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS ma_audit_log_principal ON ma_audit_log (principal, sequence DESC) WHERE principal IS NOT NULL;
CREATE INDEX IF NOT EXISTS ma_audit_log_at ON ma_audit_log (at);

-- The engine never updates or deletes an entry; the database refuses it too. Someone who bypasses
-- this (a superuser disabling triggers) is what GET /v1/audit/verify exists to catch.
CREATE OR REPLACE FUNCTION ma_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'ma_audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER IF EXISTS ma_audit_log_append_only ON ma_audit_log;
CREATE TRIGGER ma_audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ma_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION ma_audit_log_append_only();
