// The fallback load generator, used when wrk is not installed: the same routes as load.lua,
// driven by autocannon in this separate process. Prints one JSON line in load.lua's shape.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const { url, host, route, args, seconds, connections } = JSON.parse(process.argv[2]);
const json = { 'content-type': 'application/json' };
const bearer = (credential) => ({ ...json, authorization: `Bearer ${credential}` });
const randomIn = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));

let setupRequest;
if (route === 'bare') {
  setupRequest = (req) => ({ ...req, method: 'GET', path: '/' });
} else if (route === 'verify') {
  const tokens = readFileSync(args[0], 'utf8').trim().split('\n');
  let next = 0;
  setupRequest = (req) => ({ ...req, method: 'GET', path: '/api/embed/session', headers: { ...req.headers, ...bearer(tokens[next++ % tokens.length]) } });
} else if (route === 'create') {
  const [key, tag] = args;
  let n = 0;
  setupRequest = (req) => ({
    ...req, method: 'POST', path: '/api/users', headers: { ...req.headers, ...bearer(key) },
    body: JSON.stringify({ email: `b${tag}a${++n}@bench.example`, first_name: 'Bench', last_name: 'User' }),
  });
} else {
  const [key, lo, hi] = [args[0], Number(args[1]), Number(args[2])];
  let walk = lo;
  const next = () => { const id = walk; walk = walk >= hi ? lo : walk + 1; return id; };
  const shapes = {
    read: () => ({ method: 'GET', path: `/api/users/${randomIn(lo, hi)}` }),
    mint: () => ({ method: 'POST', path: `/api/users/${randomIn(lo, hi)}/token`, body: '{}' }),
    revoke: () => ({ method: 'DELETE', path: `/api/users/${next()}/token` }),
  };
  setupRequest = (req) => ({ ...req, ...shapes[route](), headers: { ...req.headers, ...bearer(key) } });
}

const result = await autocannon({
  url, connections, duration: seconds, timeout: 5,
  headers: { host },
  requests: [{ setupRequest }],
});
const us = (ms) => Math.round(ms * 1000);
process.stdout.write(JSON.stringify({
  requests: result.requests.total,
  duration_us: Math.round(result.duration * 1e6),
  bytes: result.throughput.total,
  errors: { connect: 0, read: result.errors, write: 0, status: result.non2xx, timeout: result.timeouts },
  latency_us: { mean: us(result.latency.average), p50: us(result.latency.p50), p90: us(result.latency.p90), p99: us(result.latency.p99), max: us(result.latency.max) },
}) + '\n');
