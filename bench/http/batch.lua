-- POST /v1/events with a JSON array of N product_view events (each with a unique id and a
-- random customer from the pool). N: first script argument, else env BATCH, else 500.
--   wrk -t2 -c32 -d30s --latency -s bench/http/batch.lua http://127.0.0.1:PORT -- 500
-- The gateway accepts at most MarketingActors:TrackingPlan:MaxBatchEvents (default 1000) per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua").batch_scenario("/v1/events", "batch")
