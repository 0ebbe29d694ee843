// The fallback load generator when wrk is not installed: autocannon (from bench/node_modules,
// installed by `npm ci` in bench/), run with the options given as JSON in argv[2]. Prints one JSON
// line with the figures bench/run.py reads.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
const result = await autocannon({ ...options, renderProgressBar: false, renderResultsTable: false });

process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    durationSeconds: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  })}\n`,
);
