-- test/bench/conmas.lua: what a community ConMas client does for every
-- command: Login, the command (GetReportDetail), Logout, each connection
-- in turn (use one connection per wrk thread: -t N -c N).  Every answer is
-- checked: a Login without a session cookie, a detail without
-- <detailInfo> or a Logout without code 0 counts as a failure; done()
-- prints the round trips and the failures.
-- Environment: BENCH_LOGIN_FILE (the Login form body), BENCH_PATH (the
-- APIExecute.aspx path), BENCH_TOP_ID (the report's topId).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("BENCH_LOGIN_FILE"), "r"))
  login_body = f:read("*l")
  f:close()
  path = os.getenv("BENCH_PATH")
  detail_body = "command=GetReportDetail&topId=" .. os.getenv("BENCH_TOP_ID")
  step, cookie, trips, failures = 0, nil, 0, 0
end

local function post(body, with_cookie)
  local h = {["Content-Type"] = "application/x-www-form-urlencoded"}
  if with_cookie and cookie then h["Cookie"] = cookie end
  return wrk.format("POST", path, h, body)
end

function request()
  if step == 0 then return post(login_body, false) end
  if step == 1 then return post(detail_body, true) end
  return post("command=Logout", true)
end

function response(status, headers, body)
  if step == 0 then
    local sc = headers["Set-Cookie"] or headers["set-cookie"]
    cookie = sc and sc:match("^(ASP%.NET_SessionId=[0-9a-f]+)")
    if status ~= 200 or not cookie then failures = failures + 1 end
    step = 1
  elseif step == 1 then
    if status ~= 200 or not body:find("<detailInfo>", 1, true) then failures = failures + 1 end
    step = 2
  else
    if status ~= 200 or not body:find("<code>0</code>", 1, true) then failures = failures + 1 end
    trips = trips + 1
    step, cookie = 0, nil
  end
end

function done(summary, latency, requests)
  local t, f = 0, 0
  for _, th in ipairs(threads) do
    t = t + (th:get("trips") or 0)
    f = f + (th:get("failures") or 0)
  end
  io.write(string.format("conmas: %d round trips, %d failures, %.1f round trips/s\n", t, f, t / (summary.duration / 1e6)))
end
