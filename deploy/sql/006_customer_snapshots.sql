-- MarketingActors schema 006: customer grain snapshots, in place of OrleansStorage rows.

-- One row per customer: the Orleans binary payload of its CustomerState as of its last snapshot
-- (the journal holds what followed). Version is the optimistic-concurrency ETag: a write or a
-- clear succeeds only against the version its grain read, so a duplicate activation cannot
-- overwrite a newer snapshot. Read and written in batches of many customers per statement.
CREATE TABLE ma_customer_snapshots
(
    customer_id varchar(128) PRIMARY KEY,
    version     bigint       NOT NULL,
    payload     bytea        NOT NULL,
    written_at  timestamptz  NOT NULL DEFAULT now()
);
