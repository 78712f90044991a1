-- test/bench/auth.lua: wrk sends every request with the bearer token of
-- the file named by the environment's BENCH_TOKEN_FILE.
local f = assert(io.open(os.getenv("BENCH_TOKEN_FILE"), "r"))
local token = f:read("*l")
f:close()
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept-Language"] = "ja"
