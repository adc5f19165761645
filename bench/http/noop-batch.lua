-- POST /v1/noop with exactly the body batch.lua sends (N events per request): the ceiling of
-- the HTTP stack for batch bodies, and of wrk generating them, with no engine work.
--   wrk -t2 -c4 -d30s --latency -s bench/http/noop-batch.lua http://127.0.0.1:PORT -- 500
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

batch_n = common.batch_size(nil)

setup = common.setup

function init(args)
  common.seed()
  batch_n = common.batch_size(args)
end

function request()
  return wrk.format("POST", "/v1/noop", common.headers, common.batch(batch_n))
end

done = function(summary, latency, requests)
  local t = common.threads[1]
  local per_request = (t and tonumber(t:get("batch_n"))) or batch_n
  return common.done("noop-batch", per_request)(summary, latency, requests)
end
