// Starts and stops the measured servers as child processes, on 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { processTree } from './cpu.mjs';

/** The Tessera build to measure: this checkout, or another (BENCH_TESSERA_ROOT) to try a change. */
let root = process.env.BENCH_TESSERA_ROOT ?? fileURLToPath(new URL('..', import.meta.url));

/** Measures the build in `dir` (a snapshot taken at the start of the run) from now on. */
export function useTesseraRoot(dir) {
  root = dir;
}

/**
 * Copies the built server (dist/, bin/, package.json; node_modules and web/ linked) into `dir`,
 * so a rebuild in the working tree during a long run cannot mix two builds in one table.
 */
export function snapshotBuild(dir) {
  const from = fileURLToPath(new URL('..', import.meta.url));
  mkdirSync(dir, { recursive: true });
  for (const part of ['dist', 'bin', 'package.json']) cpSync(join(from, part), join(dir, part), { recursive: true });
  for (const part of ['node_modules', 'web']) if (existsSync(join(from, part))) symlinkSync(join(from, part), join(dir, part));
  return dir;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function answers(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 500 }, (res) => { res.resume(); resolve(true); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.end();
  });
}

/**
 * Peak (VmHWM) and current (VmRSS) resident memory in MB, from /proc/<pid>/status; for a
 * server with workers, summed over the primary and every worker (an upper bound of the peak).
 */
export function memoryOf(pid) {
  let peak = 0;
  let rss = 0;
  for (const p of processTree(pid)) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      peak += kb('VmHWM');
      rss += kb('VmRSS');
    } catch { /* exited */ }
  }
  return { peak_rss_mb: Math.round(peak / 1024), rss_mb: Math.round(rss / 1024) };
}

const tail = (file) => readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ').slice(0, 600);

/** The server's database comes from its flags alone, never from this shell's environment. */
const serverEnv = () => {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'TESSERA_DB', 'REDIS_URL', 'TESSERA_WORKERS', 'PORT', 'HOST', 'LOG_LEVEL']) delete env[name];
  return env;
};

async function start(args, logFile, label) {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, args(port), { cwd: root, env: serverEnv(), stdio: ['ignore', log, log] });
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const deadline = Date.now() + 60_000;
  while (!(await answers(port))) {
    if (exited) throw new Error(`${label} exited before answering (${JSON.stringify(exited)}): ${tail(logFile)}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${label} did not answer within 60 s; see ${logFile}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    pid: child.pid,
    memory: () => memoryOf(child.pid),
    stop: () => new Promise((resolve) => {
      if (exited) return resolve(exited);
      const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (code, signal) => { clearTimeout(force); resolve({ code, signal }); });
      child.kill('SIGTERM');
    }),
  };
}

/** `bare-server.mjs` (the ceiling) or `fastify-server.mjs` (the framework alone). */
export function startBare(logFile, script = 'bare-server.mjs') {
  return start((port) => [fileURLToPath(new URL(`./${script}`, import.meta.url)), String(port)], logFile, script);
}

/** `tessera serve` from the built output; with `profileDir`, under `node --cpu-prof`. */
export function startTessera({ databaseUrl, dbPath, logFile, profileDir, workers = 1 }) {
  const database = databaseUrl ? ['--database-url', databaseUrl] : ['--db', dbPath];
  return start((port) => [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    'bin/tessera.js', 'serve', '--host', '127.0.0.1', '--port', String(port), '--base-domain', 'localhost',
    '--log-level', 'warn', '--no-seed', ...database, ...(workers > 1 ? ['--workers', String(workers)] : []),
  ], logFile, 'tessera');
}
