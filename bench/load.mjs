// Drives one route with the load generator in its own process: wrk (with load.lua) when it is
// installed, else autocannon (autocannon-worker.mjs). Both report the same shape.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

export function pickLoadGenerator(preferred) {
  if (preferred) return preferred;
  return spawnSync('wrk', ['--version']).error ? 'autocannon' : 'wrk';
}

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`${command} exited ${code}: ${err.trim() || out.trim()}`));
      else resolve(JSON.parse(line));
    });
  });
}

/**
 * One measured run. `route` is a load.lua mode and `args` its arguments; the target is always
 * 127.0.0.1. Returns requests/s, p50/p99 in ms, and error counts (non-2xx included).
 */
export async function drive({ generator, port, host, route, args, seconds, connections, threads }) {
  const url = `http://127.0.0.1:${port}`;
  const raw = generator === 'wrk'
    ? await run('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', '5s',
      '-s', here('./load.lua'), url, '--', route, ...args.map(String)], { BENCH_HOST: host, BENCH_THREADS: String(threads) })
    : await run(process.execPath, [here('./autocannon-worker.mjs'), JSON.stringify({ url, host, route, args, seconds, connections })], {});
  const seconds_ = raw.duration_us / 1e6;
  const errors = Object.values(raw.errors).reduce((a, b) => a + b, 0);
  return {
    requests: raw.requests,
    seconds: Math.round(seconds_ * 100) / 100,
    rps: Math.round(raw.requests / seconds_),
    p50_ms: raw.latency_us.p50 / 1000,
    p90_ms: raw.latency_us.p90 / 1000,
    p99_ms: raw.latency_us.p99 / 1000,
    max_ms: raw.latency_us.max / 1000,
    errors,
    error_detail: raw.errors,
  };
}
