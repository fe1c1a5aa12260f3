-- wrk script: GET /portfolio, each request as the next of the seeded users (their session
-- cookies, one per line, in the file named by BENCH_COOKIES).
local cookies = {}
local n = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    if line ~= "" then table.insert(cookies, line) end
  end
end

function request()
  n = n + 1
  local cookie = cookies[(n % #cookies) + 1]
  return wrk.format("GET", "/portfolio", { ["Cookie"] = cookie, ["Accept-Encoding"] = "br, gzip" })
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d non2xx=%d duration_s=%.1f rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
