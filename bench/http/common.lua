-- Shared by the scenarios of bench/http (noop.lua, single-event.lua, single-page-view.lua, batch.lua, batch-page-view.lua, noop-batch.lua; loaded with dofile, see those scripts).
--
-- Every thread gets an id in setup(); event ids are "<run>-<thread>-<counter>", unique across
-- threads and, because <run> is the script's RUN_ID plus a token each wrk thread draws from the
-- kernel, across every wrk run against the same silo: a harness runs wrk several times under one
-- RUN_ID (warm-up, scenarios, a scenario twice), and ids repeated across them were re-sends the
-- engine rightly refused, one event in CUSTOMERS, at a cost of their own. Customers are drawn
-- uniformly from a pool of CUSTOMERS ids (default 100000). Timestamps are "now", refreshed once
-- a second so the hot path does not call os.date per request.

local M = {}

M.customers = tonumber(os.getenv("CUSTOMERS") or "") or 100000
local function process_token()
  local f = io.open("/proc/sys/kernel/random/uuid", "r")
  if not f then return tostring(os.time()) end
  local uuid = f:read("*l")
  f:close()
  return uuid:sub(1, 8)
end
M.run = (os.getenv("RUN_ID") or "r") .. "." .. process_token()

local threads = {}
M.threads = threads
local counter = 0

-- Runs in the main Lua state once per thread, before init().
function M.setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state, so these are thread-local).
local seq = 0
local stamp, stamp_at = nil, -1

local function now_iso()
  local t = os.time()
  if t ~= stamp_at then
    stamp_at = t
    stamp = os.date("!%Y-%m-%dT%H:%M:%SZ", t)
  end
  return stamp
end

function M.seed()
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

-- One event as JSON, of the given type (default product_view).
function M.event(type)
  seq = seq + 1
  local customer = math.random(0, M.customers - 1)
  return string.format(
    '{"eventId":"%s-%d-%d","customerId":"cust-%06d","type":"%s","channel":"web","timestamp":"%s","properties":{"sku":"sku-%04d"}}',
    M.run, tid or 0, seq, customer, type or "product_view", now_iso(), customer % 5000)
end

-- A JSON array of n events of the given type.
function M.batch(n, type)
  local events = {}
  for i = 1, n do events[i] = M.event(type) end
  return "[" .. table.concat(events, ",") .. "]"
end

-- Events per batch request: the script argument, else env BATCH, else 500.
function M.batch_size(args)
  return tonumber(args and args[1] or nil) or tonumber(os.getenv("BATCH") or "") or 500
end

-- Installs wrk's globals for a scenario that POSTs one event of type (default product_view) per
-- request to path (noop.lua, single-event.lua, single-page-view.lua).
function M.single_scenario(path, name, type)
  setup = M.setup
  init = function(args)
    M.seed()
  end
  request = function()
    return wrk.format("POST", path, M.headers, M.event(type))
  end
  done = M.done(name, 1)
end

-- Installs wrk's globals for a scenario that POSTs batches of N events of type (default
-- product_view) to path (batch.lua, batch-page-view.lua, noop-batch.lua). batch_n is a global so
-- that done(), which runs in the main Lua state where init() never ran, can ask a thread for it.
function M.batch_scenario(path, name, type)
  batch_n = M.batch_size(nil)
  setup = M.setup
  init = function(args)
    M.seed()
    batch_n = M.batch_size(args)
  end
  request = function()
    return wrk.format("POST", path, M.headers, M.batch(batch_n, type))
  end
  done = function(summary, latency, requests)
    local t = threads[1]
    local per_request = (t and tonumber(t:get("batch_n"))) or batch_n
    return M.done(name, per_request)(summary, latency, requests)
  end
end

M.headers = { ["Content-Type"] = "application/json" }

-- Prints the human summary wrk already gives plus one machine-readable line run.sh parses.
-- events_per_request scales requests/s to events/s.
function M.done(name, events_per_request)
  return function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local rps = summary.requests / seconds
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
    io.write(string.format(
      "RESULT name=%s requests=%d seconds=%.2f rps=%.1f events_per_s=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d socket_errors=%d\n",
      name, summary.requests, seconds, rps, rps * events_per_request,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, summary.errors.status,
      errors - summary.errors.status))
  end
end

return M
