-- POST /v1/events, one product_view per request, unique event id per request across threads.
--   wrk -t2 -c32 -d30s --latency -s bench/http/single-event.lua http://127.0.0.1:PORT
-- env: CUSTOMERS (pool size, default 100000), RUN_ID (event id prefix)
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua").single_scenario("/v1/events", "single-event")
