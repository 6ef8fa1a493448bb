-- wrk script for `forecast bench load`: a mixed workload with latency kept per kind of request.
--
-- Run with as many wrk threads as connections (-t N -c N): each thread then owns exactly one
-- connection, so request() and response() strictly alternate in it and the time between them
-- is that request's latency.
--
-- Arguments (after `--`): DATA_FILE OUT_DIR DURATION_S DRAIN_S
--   DATA_FILE  a Lua file defining the global `load_data` (written by bench/load.py)
--   OUT_DIR    each thread writes OUT_DIR/thread-N.txt, one line per event:
--                "kind status ms" for a response, "kind resent" for a request built again
--   DRAIN_S    for the last DRAIN_S seconds no forecast is submitted (reads take their place),
--              so that none is in flight when wrk stops and the rows can be counted exactly.
-- done() prints "SUMMARY ..." (wrk's totals and socket errors) and "PENDING n" (submissions
-- still awaiting their response when wrk stopped) on stdout. Threads hand over numbers only:
-- wrk's thread:get() is not safe for tables.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

-- Kinds of request, with their share of the mix in per mille.
KINDS = {
  "list_page", "question_page", "api_question", "api_aggregate", "track_record",
  "submit", "report_json", "report_html",
}
local WEIGHTS = { 150, 250, 150, 150, 100, 150, 25, 25 }
local SUBMIT = 6
local DRAIN_REPLACEMENT = 3 -- api_question

local cumulative = {}
do
  local total = 0
  for i, w in ipairs(WEIGHTS) do
    total = total + w
    cumulative[i] = total
  end
end

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

local data = nil
local drain_at = 0
local out = nil
pending_kind = 0 -- kind of the request awaiting its response, 0 when none (global: done reads it)
local pending_since = 0
local pending_request = nil

function init(args)
  dofile(args[1])
  data = load_data
  out = assert(io.open(string.format("%s/thread-%d.txt", args[2], thread_id), "w"))
  out:setvbuf("full")
  drain_at = now_ms() + (tonumber(args[3]) - tonumber(args[4])) * 1000
  math.randomseed(thread_id * 7919 + os.time())
end

local function pick_kind()
  local r = math.random(1000)
  for i, c in ipairs(cumulative) do
    if r <= c then return i end
  end
  return 1
end

local function iso(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(seconds))
end

local function forecast_body(question)
  local qtype = question[2]
  if qtype == "binary" then
    return string.format('{"probability": %.3f}', 0.02 + math.random() * 0.96)
  end
  local levels = { 0.05, 0.25, 0.5, 0.75, 0.95 }
  local offsets = { -2.0, -0.7, 0.0, 0.7, 2.0 }
  local parts = {}
  if qtype == "numeric" then
    local centre = 30 + math.random() * 40
    local spread = 3 + math.random() * 9
    for i = 1, 5 do
      parts[i] = string.format("[%.2f, %.3f]", levels[i], centre + offsets[i] * spread)
    end
  else -- date: a range from 100 days ago to 10 years ahead
    local day = 86400
    local centre = data.now + (400 + math.random() * 2600) * day
    local spread = (30 + math.random() * 120) * day
    for i = 1, 5 do
      parts[i] = string.format('[%.2f, "%s"]', levels[i], iso(centre + offsets[i] * spread))
    end
  end
  return '{"quantiles": [' .. table.concat(parts, ", ") .. "]}"
end

local function headers(extra)
  -- The leader's page session is bound to the User-Agent it logged in with.
  local h = { ["User-Agent"] = data.user_agent }
  for name, value in pairs(extra or {}) do h[name] = value end
  return h
end

local function get(path, extra)
  return wrk.format("GET", path, headers(extra))
end

local function build(kind)
  local question = data.questions[math.random(#data.questions)]
  local id = question[1]
  local name = KINDS[kind]
  if name == "list_page" then
    return get("/questions?page=" .. math.random(data.list_pages))
  elseif name == "question_page" then
    return get("/questions/" .. id)
  elseif name == "api_question" then
    return get("/api/v1/questions/" .. id)
  elseif name == "api_aggregate" then
    return get("/api/v1/questions/" .. id .. "/aggregate")
  elseif name == "track_record" then
    return get("/users/" .. data.users[math.random(#data.users)])
  elseif name == "submit" then
    local token = data.tokens[math.random(#data.tokens)]
    return wrk.format("POST", "/api/v1/questions/" .. id .. "/forecasts",
      headers({ ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }),
      forecast_body(question))
  elseif name == "report_json" then
    return get("/api/v1/boundaries/report", { ["Authorization"] = "Bearer " .. data.leader_token })
  else
    return get("/boundaries/report", { ["Cookie"] = data.leader_cookie })
  end
end

function request()
  if data == nil then
    -- wrk calls request() once in its main state to check the script; nothing is sent.
    return wrk.format("GET", "/api/v1/health")
  end
  if pending_kind ~= 0 then
    -- No response since the last request(): wrk found a new connection still connecting and
    -- will build the request again (nothing was sent), or the connection failed (wrk counts a
    -- socket error). Either way the same request goes out again, timed from the first try.
    out:write(KINDS[pending_kind], " resent\n")
    return pending_request
  end
  local now = now_ms()
  local kind = pick_kind()
  if kind == SUBMIT and now >= drain_at then kind = DRAIN_REPLACEMENT end
  pending_kind = kind
  pending_since = now
  pending_request = build(kind)
  return pending_request
end

function response(status, _headers, _body)
  local kind = pending_kind
  if kind == 0 then return end
  pending_kind = 0
  out:write(KINDS[kind], " ", status, " ", string.format("%.3f", now_ms() - pending_since), "\n")
end

function done(summary, latency, requests)
  local in_flight = 0
  for _, t in ipairs(threads) do
    if t:get("pending_kind") == SUBMIT then in_flight = in_flight + 1 end
  end
  local e = summary.errors
  io.write(string.format("SUMMARY requests=%d duration_us=%d connect=%d read=%d write=%d " ..
    "timeout=%d status=%d\n", summary.requests, summary.duration, e.connect, e.read, e.write,
    e.timeout, e.status))
  io.write(string.format("PENDING %d\n", in_flight))
end
