-- MarketingActors schema 009: the delivery outbox (cluster mode).

-- One row per decision the engine delivers itself, keyed by the decision id (the idempotency key
-- every attempt carries). A silo claims rows for ClaimFor; a row whose claim ran out (its silo
-- died) is taken by the next silo that polls. The order and the attempts are Orleans-serialized.
CREATE TABLE IF NOT EXISTS ma_delivery_outbox
(
    decision_id     varchar(64)  PRIMARY KEY,
    customer_id     varchar(128) NOT NULL,
    campaign_id     varchar(64)  NOT NULL,
    status          smallint     NOT NULL,
    delivery_order  bytea        NOT NULL,
    attempts        bytea        NOT NULL,
    counted         integer      NOT NULL,
    next_attempt_at timestamptz  NOT NULL,
    reason          text         NULL,
    recheck         boolean      NOT NULL,
    claimed_by      varchar(128) NULL,
    claimed_until   timestamptz  NULL,
    updated_at      timestamptz  NOT NULL
);

-- What the pollers look for: pending rows that are due.
CREATE INDEX IF NOT EXISTS ma_delivery_outbox_due ON ma_delivery_outbox (next_attempt_at) WHERE status = 0;
-- The dead-letter list, newest first.
CREATE INDEX IF NOT EXISTS ma_delivery_outbox_dead ON ma_delivery_outbox (updated_at DESC) WHERE status = 2;
