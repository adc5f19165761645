-- MarketingActors schema 004: the learning loop's row buffer (cluster mode).

-- Labelled rows waiting for the next training round, appended by the RetrainingGrain as they
-- arrive on the training-rows stream; the oldest are deleted past LearningOptions.MaxBufferedRows.
CREATE TABLE IF NOT EXISTS ma_training_rows
(
    id            bigserial        PRIMARY KEY,
    at            timestamptz      NOT NULL,
    features      real[]           NOT NULL,
    converted     boolean          NOT NULL,
    value         double precision NOT NULL,
    model_version varchar(64)      NOT NULL,
    score         double precision NOT NULL,
    customer_id   varchar(128)     NULL
);

-- The last row id a training round has seen, so the "every N rows" cadence survives a restart.
CREATE TABLE IF NOT EXISTS ma_training_cursor
(
    id              smallint PRIMARY KEY CHECK (id = 1),
    trained_through bigint   NOT NULL
);
