-- POST /v1/events, one page_view per request (no campaign decides on it): a request's whole path
-- to the customer grain and back without a decision, between noop.lua and single-event.lua.
--   wrk -t2 -c32 -d30s --latency -s bench/http/single-page-view.lua http://127.0.0.1:PORT
-- env: CUSTOMERS (pool size, default 100000), RUN_ID (event id prefix)
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

setup = common.setup

function init(args)
  common.seed()
end

function request()
  return wrk.format("POST", "/v1/events", common.headers, common.event("page_view"))
end

done = common.done("single-page-view", 1)
