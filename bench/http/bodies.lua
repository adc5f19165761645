-- POSTs the bodies bench/http/bodies.mjs wrote (BODY_DIR/<n>.body, BODY_COUNT of them) to
-- BODY_PATH, each thread taking every THREADS-th file so that no body is sent twice while they
-- last; when they run out it starts over and done() reports how many were sent again.
-- env: BODY_DIR BODY_COUNT BODY_PATH BODY_EVENTS BODY_GZIP(0|1) THREADS NAME
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local body_dir = os.getenv("BODY_DIR")
local count = tonumber(os.getenv("BODY_COUNT"))
local path = os.getenv("BODY_PATH")
local events = tonumber(os.getenv("BODY_EVENTS"))
local step = tonumber(os.getenv("THREADS") or "2")
local headers = { ["Content-Type"] = "application/json" }
if os.getenv("BODY_GZIP") == "1" then headers["Content-Encoding"] = "gzip" end

setup = common.setup

local sent = 0
function init(args)
  sent = 0
  resent = 0
end

function request()
  local n = (tid - 1) + sent * step
  sent = sent + 1
  if n >= count then resent = resent + 1 end
  local f = assert(io.open(string.format("%s/%d.body", body_dir, n % count), "rb"))
  local body = f:read("*a")
  f:close()
  return wrk.format("POST", path, headers, body)
end

local report = common.done(os.getenv("NAME") or "bodies", events)
function done(summary, latency, requests)
  report(summary, latency, requests)
  local again = 0
  for _, t in ipairs(common.threads) do again = again + (tonumber(t:get("resent")) or 0) end
  io.write(string.format("RESENT %d\n", again))
end
