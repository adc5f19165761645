-- POST /v1/events with a JSON array of N product_view events (each with a unique id and a
-- random customer from the pool). N: first script argument, else env BATCH, else 500.
--   wrk -t2 -c32 -d30s --latency -s bench/http/batch.lua http://127.0.0.1:PORT -- 500
-- The gateway accepts at most MarketingActors:TrackingPlan:MaxBatchEvents (default 1000) per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

batch_n = common.batch_size(nil)  -- global so done() can read it with thread:get

setup = common.setup

function init(args)
  common.seed()
  batch_n = common.batch_size(args)
end

function request()
  return wrk.format("POST", "/v1/events", common.headers, common.batch(batch_n))
end

-- done() runs in the main Lua state, where init() never ran: ask a thread for its N.
done = function(summary, latency, requests)
  local t = common.threads[1]
  local per_request = (t and tonumber(t:get("batch_n"))) or batch_n
  return common.done("batch", per_request)(summary, latency, requests)
end
