-- test/bench/save.lua: wrk script for the report save benchmark.
--
--   wrk ... -s save.lua URL -- TOKEN BODYFILE
--
-- Every request is POST URL (/<tenant>/api/v1/reports) creating a new
-- report: a fresh report id (UUID) and a fresh Idempotency-Key (UUID) per
-- request, and the same values (BODYFILE: the JSON body without its leading
-- '{"id":"…",', written by save-setup.mjs).  Ids are random (math.random,
-- seeded per thread) with the thread number and a per-thread counter in
-- their last group, so no two requests of a run share one.  done() prints
-- one line "statuses: 201=N 503=M …" counted from the answers.

local threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local token, rest, seq
counts = {}   -- a global: done() reads it from each thread with thread:get

function init(args)
  token = args[1]
  local f = assert(io.open(args[2], "rb"))
  rest = f:read("*a")
  f:close()
  seq = 0
  counts = {}
  math.randomseed(os.time() * 1000 + tid * 7919 + math.floor(os.clock() * 1000000))
end

local function r16() return math.random(0, 0xffff) end

local function uuid()
  seq = seq + 1
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%08x",
    r16(), r16(), r16(), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
    tid % 0x10000, seq % 0x100000000)
end

function request()
  local body = '{"id":"' .. uuid() .. '",' .. rest
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = uuid(),
  }, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    if c then
      for s, n in pairs(c) do total[s] = (total[s] or 0) + n end
    end
  end
  local keys = {}
  for s in pairs(total) do table.insert(keys, s) end
  table.sort(keys)
  local parts = {}
  for _, s in ipairs(keys) do table.insert(parts, s .. "=" .. total[s]) end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
