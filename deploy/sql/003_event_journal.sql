-- MarketingActors schema 003: the engine's own tables.

-- Every accepted event, appended (group-committed) before the 2xx. Customer grains restore from
-- their last snapshot and replay the journal rows after its sequence number.
CREATE TABLE ma_event_journal
(
    customer_id varchar(128) NOT NULL,
    sequence    bigint       NOT NULL,
    event_id    varchar(128) NOT NULL,
    payload     bytea        NOT NULL,
    appended_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, sequence)
);
