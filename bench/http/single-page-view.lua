-- POST /v1/events, one page_view per request (no campaign decides on it): a request's whole path
-- to the customer grain and back without a decision, between noop.lua and single-event.lua.
--   wrk -t2 -c32 -d30s --latency -s bench/http/single-page-view.lua http://127.0.0.1:PORT
-- env: CUSTOMERS (pool size, default 100000), RUN_ID (event id prefix)
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua").single_scenario("/v1/events", "single-page-view", "page_view")
