-- test/bench/save.lua: wrk script for the report save benchmark.
--
--   wrk ... -s save.lua URL -- TOKEN BODYFILE [IDSFILE]
--
-- Every request is POST URL (/<tenant>/api/v1/reports) creating a new
-- report: a fresh report id (UUID) and a fresh Idempotency-Key (UUID) per
-- request, and the same values (BODYFILE: the JSON body without its leading
-- '{"id":"…",', written by save-setup.mjs).  Ids are random (math.random,
-- seeded per thread) with the thread number and a per-thread counter in
-- their last group, so no two requests of a run share one.  done() prints
-- one line "statuses: 201=N 503=M …" counted from the answers, and appends
-- to IDSFILE (when given) the report id of every 201 answer, one a line, as
-- read from the answer's body, so that test/bench/run can check each of
-- those reports in the database.

local threads = {}
local next_tid = 1

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local token, rest, seq
counts = {}   -- globals: done() reads them from each thread with thread:get
acked = {}    -- report ids of the 201 answers
ids_file = nil

function init(args)
  token = args[1]
  local f = assert(io.open(args[2], "rb"))
  rest = f:read("*a")
  f:close()
  ids_file = args[3]
  seq = 0
  counts = {}
  acked = {}
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

local UUID = "%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x"

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 201 then
    -- the report's own id: the first string "id" of the answer (other ids are numbers)
    local id = body and body:match('"id"%s*:%s*"(' .. UUID .. ')"')
    table.insert(acked, id or "no-id-in-answer")
  end
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
  -- done() runs in wrk's main Lua state, where init() never ran: the file
  -- name and the ids come from the threads
  local name = threads[1] and threads[1]:get("ids_file")
  if name then
    local f = assert(io.open(name, "a"))
    for _, t in ipairs(threads) do
      for _, id in ipairs(t:get("acked") or {}) do f:write(id, "\n") end
    end
    f:close()
  end
end
