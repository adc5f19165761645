-- The batch scenario with page_view events: the bench campaign's journey enters on product_view
-- only, so these are ingested, journaled, scored and checked for triggers but yield no decision
-- (no ranking, no budget, no audit row). Ingestion without decisioning, beside batch.lua.
--   wrk -t2 -c4 -d30s --latency -s bench/http/batch-page-view.lua http://127.0.0.1:PORT -- 500
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua").batch_scenario("/v1/events", "batch-page-view", "page_view")
