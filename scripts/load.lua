-- wrk script for scripts/load.sh. From the environment: COOKIE (a signed-in session),
-- CSS_PATH (the build's stylesheet) and either ONE_PATH (repeat one address, with ACCEPT)
-- or METHOD_ID (the mixed traffic of a signed-in customer: pages, server functions that
-- read and one that writes, a file).
local cookie = os.getenv("COOKIE")
local one_path = os.getenv("ONE_PATH")

if one_path then
  wrk.path = one_path
  wrk.headers["Cookie"] = cookie
  wrk.headers["Accept"] = os.getenv("ACCEPT") or "text/html"
else
  local method_id = os.getenv("METHOD_ID")
  local page = { ["Cookie"] = cookie, ["Accept"] = "text/html" }
  local call = { ["Cookie"] = cookie, ["Accept"] = "application/json",
                 ["Content-Type"] = "application/x-www-form-urlencoded" }
  local requests = {
    { "GET", "/account", page, nil },
    { "GET", "/billing/settings/wallet", page, nil },
    { "GET", "/billing/settings/autopay", page, nil },
    { "GET", "/sign-in", page, nil },
    { "GET", "/faq", page, nil },
    { "POST", "/api/get_overview", call, "" },
    { "POST", "/api/get_wallet", call, "" },
    { "POST", "/api/make_default_method", call, "id=" .. method_id },
    { "POST", "/api/bank_for_routing", call, "routing_number=021000021" },
    { "GET", os.getenv("CSS_PATH"), { ["Accept"] = "text/css" }, nil },
  }
  local n = 0
  request = function()
    n = n + 1
    local r = requests[(n % #requests) + 1]
    return wrk.format(r[1], r[2], r[3], r[4])
  end
end

done = function(summary, latency, _)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
