-- test/bench/scale.lua: wrk script of test/bench/scale.
--
--   wrk ... -s scale.lua URL -- cookie|bearer CREDENTIAL IDSFILE
--
-- GET URL with the console's session cookie or a bearer token; "{id}" in
-- the URL is replaced by a report id taken at random from IDSFILE (one a
-- line), so detail pages hit the whole table.  done() prints one line
-- "statuses: 200=N ..." counted from the answers.

local threads = {}
function setup(thread) table.insert(threads, thread) end

local kind, cred, ids, path
counts = {}

function init(args)
  kind, cred = args[1], args[2]
  ids = {}
  for line in io.lines(args[3]) do if #line > 0 then ids[#ids + 1] = line end end
  path = wrk.path
  counts = {}
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end

function request()
  local p = path:gsub("%%7Bid%%7D", "{id}"):gsub("{id}", ids[math.random(1, #ids)])
  local h = {}
  if kind == "bearer" then h["Authorization"] = "Bearer " .. cred else h["Cookie"] = cred end
  return wrk.format("GET", p, h)
end

function response(status)
  counts[status] = (counts[status] or 0) + 1
end

function done()
  local total = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do parts[#parts + 1] = k .. "=" .. v end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
