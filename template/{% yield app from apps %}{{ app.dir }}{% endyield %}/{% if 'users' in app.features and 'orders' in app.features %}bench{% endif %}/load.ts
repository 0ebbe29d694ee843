// `npm run bench`: a short load test of a running service, on this machine only.
//
//   npm run build && RATE_LIMIT_MAX=1000000000 npm start   # one terminal; every request comes from
//                                                          # one address, so raise its rate limit
//   npm run bench                                          # another; BENCH_URL defaults to
//   npm run bench -- --duration 20 --connections 100       # http://127.0.0.1:$PORT (3000)
//
// Each scenario runs for a bounded time with a bounded number of connections. A non-loopback
// address is refused: load tests against shared environments belong to a planned exercise, not
// to a script anyone can start by accident. For figures that compare with the bare platform, see
// the performance guide in the README.
import { parseArgs } from 'node:util';
import autocannon, { type Options, type Result } from 'autocannon';

const LIMITS = { durationSeconds: 60, connections: 200 } as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const durationSeconds = boundedInteger('duration', values.duration, LIMITS.durationSeconds);
const connections = boundedInteger('connections', values.connections, LIMITS.connections);
const base = new URL(process.env.BENCH_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`);
if (!LOOPBACK.has(base.hostname)) {
  console.error(`BENCH_URL must be a loopback address (127.0.0.1, localhost, [::1]), not ${base.hostname}`);
  process.exit(2);
}

interface Scenario {
  readonly title: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
}

const scenarios: Scenario[] = [
  { title: 'liveness probe', path: '/health/live' },
  { title: 'public cached read', path: '/v1/products' },
  { title: 'authenticated cached read', ...(await orderRead()) },
];

let failed = false;
for (const scenario of scenarios) {
  const result = await run(scenario);
  const problems = result.errors + result.timeouts + result.non2xx;
  failed ||= problems > 0;
  console.log(
    `${scenario.title.padEnd(26)} ${Math.round(result.requests.average).toLocaleString('en').padStart(8)} req/s` +
      `  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}` +
      `  errors ${result.errors + result.timeouts}`,
  );
}
process.exit(failed ? 1 : 0);

function run(scenario: Scenario): Promise<Result> {
  const options: Options = {
    url: new URL(scenario.path, base).href,
    connections,
    duration: durationSeconds,
    headers: scenario.headers ?? {},
  };
  return autocannon(options);
}

/** Registers a user, logs in and places an order, to read that order with its token. */
async function orderRead(): Promise<Omit<Scenario, 'title'>> {
  const email = `bench-${Date.now()}@example.com`;
  const password = 'a bench password';
  await post('/v1/users', { email, password, name: 'Bench' });
  const { accessToken } = (await post('/v1/auth/login', { email, password })) as { accessToken: string };
  const authorization = `Bearer ${accessToken}`;
  const order = (await post('/v1/orders', { items: [{ sku: 'BOOK-DDIA', quantity: 1 }] }, authorization)) as {
    id: string;
  };
  return { path: `/v1/orders/${order.id}`, headers: { authorization } };
}

async function post(path: string, body: unknown, authorization?: string): Promise<unknown> {
  const response = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

function boundedInteger(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`--${name} must be an integer from 1 to ${max}`);
    process.exit(2);
  }
  return value;
}
