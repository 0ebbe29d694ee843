-- wrk script of the benchmark: the request comes from the environment (bench/run.py sets it), and
-- the summary is printed as one JSON line at the end, so nothing has to parse wrk's text output.
--   BENCH_METHOD   GET, POST, ...
--   BENCH_BODY     request body (optional)
--   BENCH_HEADERS  "name: value" lines (optional)
-- The request is built once per thread (no request() function), which keeps wrk at full speed.

wrk.method = os.getenv("BENCH_METHOD") or "GET"

local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
end

for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name ~= nil then
    wrk.headers[name] = value
  end
end

-- summary.errors.status counts responses with a status of 400 or more (wrk's definition).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"status_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.timeout, errors.status, latency:percentile(50), latency:percentile(99), latency.max))
end
