-- POST /v1/noop with exactly the body single-event.lua sends (same generator, same size):
-- the ceiling of the HTTP stack (Kestrel + routing + body read + JSON answer), no engine work.
--   wrk -t2 -c32 -d30s --latency -s bench/http/noop.lua http://127.0.0.1:PORT
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua").single_scenario("/v1/noop", "noop")
