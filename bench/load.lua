-- One wrk script for every measured route. Arguments (after `--`):
--   bare
--   verify  <tokens file>            GET /api/embed/session, cycling through live client tokens
--   read    <api key> <lo> <hi>      GET /api/users/{random id in lo..hi}
--   mint    <api key> <lo> <hi>      POST /api/users/{random id in lo..hi}/token
--   revoke  <api key> <lo> <hi>      DELETE /api/users/{id}/token, walking lo..hi once
--   create  <api key> <run tag>      POST /api/users with a unique email
-- The Host header (tenant sub-domain) comes from BENCH_HOST. done() prints one JSON line.

local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local mode, key, lo, hi, tag, thread_count_total
local tokens, next_token = {}, 1
local counter = 0
local json_type = "application/json"

function init(args)
  mode = args[1]
  tid = tid or 0
  thread_count_total = tonumber(os.getenv("BENCH_THREADS") or "1")
  math.randomseed(os.time() * 1000 + tid * 7919)
  wrk.headers["Host"] = os.getenv("BENCH_HOST") or "localhost"
  if mode == "verify" then
    for line in io.lines(args[2]) do tokens[#tokens + 1] = line end
    next_token = (tid * 7919) % #tokens + 1
  elseif mode == "create" then
    key = args[2]; tag = args[3]
  elseif mode ~= "bare" then
    key = args[2]; lo = tonumber(args[3]); hi = tonumber(args[4])
    counter = lo + tid
  end
end

local function api(method, path, body)
  local headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = json_type }
  return wrk.format(method, path, headers, body)
end

function request()
  if mode == "bare" then
    return wrk.format("GET", "/")
  elseif mode == "verify" then
    local t = tokens[next_token]
    next_token = next_token % #tokens + 1
    return wrk.format("GET", "/api/embed/session", { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = json_type })
  elseif mode == "read" then
    return api("GET", "/api/users/" .. math.random(lo, hi))
  elseif mode == "mint" then
    return api("POST", "/api/users/" .. math.random(lo, hi) .. "/token", "{}")
  elseif mode == "revoke" then
    local id = counter
    counter = counter + thread_count_total
    if counter > hi then counter = lo + tid end
    return api("DELETE", "/api/users/" .. id .. "/token")
  elseif mode == "create" then
    counter = counter + 1
    local email = "b" .. tag .. "t" .. tid .. "n" .. counter .. "@bench.example"
    return api("POST", "/api/users", '{"email":"' .. email .. '","first_name":"Bench","last_name":"User"}')
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
