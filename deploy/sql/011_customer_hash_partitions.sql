-- MarketingActors schema 011: the customer-keyed tables partitioned by customer hash.

-- The journal and the snapshots are read and written by customer, and nothing joins one customer's
-- rows to another's: split 16 ways by hash(customer_id), PostgreSQL keeps sixteen smaller heaps and
-- indexes (vacuum, index depth and cache stay per partition), and each partition is the unit that
-- moves when the data outgrows one server (docs/operations.md, "Past one database": a partition
-- becomes a shard on Citus or on a cluster of its own without a change to the engine's queries).
-- Every key keeps customer_id first, so uniqueness holds per partition and (customer, event id)
-- still refuses a re-sent event of any age. Existing rows move over in this transaction.

ALTER TABLE ma_event_journal RENAME TO ma_event_journal_010;
ALTER INDEX ma_event_journal_pkey RENAME TO ma_event_journal_010_pkey;
ALTER INDEX ma_event_journal_event_id RENAME TO ma_event_journal_010_event_id;

CREATE TABLE ma_event_journal
(
    customer_id varchar(128) NOT NULL,
    sequence    bigint       NOT NULL,
    event_id    varchar(128) NOT NULL,
    payload     bytea        NOT NULL,
    appended_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, sequence)
) PARTITION BY HASH (customer_id);

ALTER TABLE ma_customer_snapshots RENAME TO ma_customer_snapshots_010;
ALTER INDEX ma_customer_snapshots_pkey RENAME TO ma_customer_snapshots_010_pkey;

CREATE TABLE ma_customer_snapshots
(
    customer_id varchar(128) PRIMARY KEY,
    version     bigint       NOT NULL,
    payload     bytea        NOT NULL,
    written_at  timestamptz  NOT NULL DEFAULT now()
) PARTITION BY HASH (customer_id);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE ma_event_journal_p%s PARTITION OF ma_event_journal FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
        EXECUTE format('CREATE TABLE ma_customer_snapshots_p%s PARTITION OF ma_customer_snapshots FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
    END LOOP;
END
$$;

CREATE UNIQUE INDEX ma_event_journal_event_id ON ma_event_journal (customer_id, event_id);

INSERT INTO ma_event_journal (customer_id, sequence, event_id, payload, appended_at)
SELECT customer_id, sequence, event_id, payload, appended_at FROM ma_event_journal_010;
INSERT INTO ma_customer_snapshots (customer_id, version, payload, written_at)
SELECT customer_id, version, payload, written_at FROM ma_customer_snapshots_010;

DROP TABLE ma_event_journal_010;
DROP TABLE ma_customer_snapshots_010;
