-- POST /v1/noop with exactly the body batch.lua sends (N events per request): the ceiling of
-- the HTTP stack for batch bodies, and of wrk generating them, with no engine work.
--   wrk -t2 -c4 -d30s --latency -s bench/http/noop-batch.lua http://127.0.0.1:PORT -- 500
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua").batch_scenario("/v1/noop", "noop-batch")
