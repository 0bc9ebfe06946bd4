#!/usr/bin/env node
// `npm run bench [-- --quick]`: Tessera against the bare node:http ceiling, on loopback.
// See docs/performance.md for what is measured and the latest figures.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuBetween, snapshot, waitForQuiet } from './cpu.mjs';
import { drive, pickLoadGenerator } from './load.mjs';
import { describeMachine } from './machine.mjs';
import { printProfile, summarizeProfile } from './profile.mjs';
import { snapshotBuild, startBare, startTessera, useTesseraRoot } from './servers.mjs';
import { TENANT, openReader, prepareDatabase } from './setup.mjs';
import { evaluateTargets, printResults } from './report.mjs';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    sizes: { type: 'string' },
    backends: { type: 'string' },
    loadgen: { type: 'string' },
    profile: { type: 'boolean' },
    instances: { type: 'string' },
    routes: { type: 'string' },
    out: { type: 'string', default: fileURLToPath(new URL('./results.json', import.meta.url)) },
  },
});

const quick = flags.quick;
const config = {
  mode: quick ? 'quick' : 'full',
  seconds: Number(flags.duration ?? (quick ? 4 : 15)),
  warmup_seconds: Number(flags.warmup ?? (quick ? 1 : 3)),
  connections: Number(flags.connections),
  threads: Number(flags.threads),
  sizes: (flags.sizes ?? (quick ? 'empty' : 'empty,1m')).split(',').filter((x) => x && x !== 'none'),
  backends: (flags.backends ?? (process.env.DATABASE_URL ? 'sqlite,postgres' : 'sqlite')).split(','),
  generator: pickLoadGenerator(flags.loadgen),
  profile: flags.profile ?? !quick,
  /** Extra pass with `serve --workers N` (read, verify, mint): does a second instance add? */
  instances: Number(flags.instances ?? (process.env.DATABASE_URL && !quick ? 2 : 1)),
  quiet_wait_max_s: quick ? 1 : 10,
};

/**
 * "empty" holds only the working set the routes need: 10,000 users, each with one live token.
 * Mints go to random users; the tenant's quotas are raised in setup.mjs, so no limit refuses.
 */
const SIZES = {
  empty: { users: 10_000, sample: 10_000 },
  '1m': { users: 1_000_000, sample: 20_000 },
};

/** Order matters: verify runs before revoke kills tokens; revoke walks every user, created ones too. */
const ROUTES = ['read', 'verify', 'mint', 'create', 'revoke'].filter((r) => !flags.routes || flags.routes.split(',').includes(r));

const work = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tessera-bench-'));
const log = (line) => process.stderr.write(`${line}\n`);

async function createPostgresDatabase(name) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.end();
    },
  };
}

async function makeDatabase(backend, size) {
  if (backend === 'postgres') {
    const db = await createPostgresDatabase(`tessera_bench_${size}_${process.pid}`);
    return { databaseUrl: db.url, dbPath: undefined, drop: db.drop };
  }
  const dbPath = join(work, `${size}.db`);
  return { databaseUrl: null, dbPath, drop: async () => { for (const s of ['', '-wal', '-shm']) rmSync(dbPath + s, { force: true }); } };
}

const load = (port, route, args, seconds) => drive({
  generator: config.generator, port, host: `${TENANT}.localhost`, route, args, seconds,
  connections: config.connections, threads: config.threads,
});

/**
 * Warm-up (discarded), then the measured run. Before it, waits a little for the rest of the
 * machine to go quiet; around it, records the cores used by the server, the load generator and
 * everything else, so a figure disturbed by other work on the machine can be recognised.
 */
async function measure(server, route, args, { warmup = true, database = false } = {}) {
  await probe(server.port, route, args);
  if (warmup && config.warmup_seconds > 0) await load(server.port, route, route === 'create' ? [args[0], `w${args[1]}`] : args, config.warmup_seconds);
  const quiet = await waitForQuiet(config.quiet_wait_max_s * 1000);
  const before = snapshot(server.pid, { database });
  const measured = await load(server.port, route, args, config.seconds);
  const cpu = cpuBetween(before, snapshot(server.pid, { database }));
  // Server CPU per answered request: far steadier than req/s when the machine is shared.
  const perRequest = Math.round((cpu.server_cores * 1e6) / Math.max(1, measured.rps));
  const result = { ...measured, server_cpu_us_per_request: perRequest, cpu, quiet_wait_s: quiet.waited_s };
  if (measured.errors > measured.requests * 0.001) {
    result.invalid = `${measured.errors} of ${measured.requests} requests failed`;
    log(`  warning: ${route}: ${result.invalid} (${JSON.stringify(measured.error_detail)})`);
  }
  return result;
}

/** One request of the route's shape before loading it: a misconfigured run fails here, loudly. */
function probe(port, route, args) {
  if (route === 'bare') return;
  const key = args[0];
  const shapes = {
    verify: () => ['GET', '/api/embed/session', readFileSync(args[0], 'utf8').split('\n')[0]],
    read: () => ['GET', `/api/users/${args[1]}`, key],
    mint: () => ['POST', `/api/users/${args[1]}/token`, key, '{}'],
    revoke: () => ['GET', `/api/users/${args[1]}`, key],
    create: () => ['GET', '/api/users?per_page=1', key],
  };
  const [method, path, credential, body] = shapes[route]();
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port, path, method,
      headers: { host: `${TENANT}.localhost`, authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve()
        : reject(new Error(`probe ${method} ${path} answered ${res.statusCode} ${text.slice(0, 120)}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function routeArgs(route, prep, tokensFile, tag, maxUserId) {
  if (route === 'verify') return [tokensFile];
  if (route === 'create') return [prep.key, tag];
  if (route === 'revoke') return [prep.key, 1, maxUserId];
  return [prep.key, 1, prep.users];
}

async function runSize(backend, size) {
  const { users, sample } = SIZES[size];
  const db = await makeDatabase(backend, size);
  log(`[${backend}/${size}] preloading ${users.toLocaleString()} users and tokens...`);
  const prep = await prepareDatabase({ databaseUrl: db.databaseUrl, dbPath: db.dbPath, users, sample });
  log(`[${backend}/${size}] preload took ${(prep.preloadMs / 1000).toFixed(1)} s`);
  const tokensFile = join(work, `tokens-${backend}-${size}.txt`);
  writeFileSync(tokensFile, prep.tokens.join('\n') + '\n', { mode: 0o600 });

  const result = {
    users, tokens: users, verify_sample: prep.tokens.length,
    preload_seconds: Math.round(prep.preloadMs / 100) / 10,
    routes: {},
  };

  const bare = await startBare(join(work, 'bare.log'));
  log(`[${backend}/${size}] bare`);
  result.routes.bare = await measure(bare, 'bare', []);
  result.bare_peak_rss_mb = bare.memory().peak_rss_mb;
  await bare.stop();
  const framework = await startBare(join(work, 'fastify.log'), 'fastify-server.mjs');
  log(`[${backend}/${size}] fastify (empty route)`);
  result.routes.fastify = await measure(framework, 'bare', []);
  await framework.stop();

  const reader = await openReader(db);
  try {
    if (config.instances > 1) {
      const server = await startTessera({ ...db, workers: config.instances, logFile: join(work, `tessera-${backend}-${size}-x${config.instances}.log`) });
      const routes = {};
      try {
        for (const route of ['read', 'verify', 'mint']) {
          log(`[${backend}/${size}] ${route} with ${config.instances} workers`);
          routes[route] = await measure(server, route, routeArgs(route, prep, tokensFile, null, users), { database: backend === 'postgres' });
        }
        result.instances = { workers: config.instances, routes, peak_rss_mb: server.memory().peak_rss_mb };
      } finally {
        await server.stop();
      }
    }

    const server = await startTessera({ ...db, logFile: join(work, `tessera-${backend}-${size}.log`) });
    try {
      const tag = Date.now().toString(36);
      for (const route of ROUTES) {
        log(`[${backend}/${size}] ${route}`);
        const maxUserId = route === 'revoke' ? Number((await reader.one('SELECT MAX(id) AS m FROM users', [])).m) : 0;
        const startedAt = Date.now();
        const measured = await measure(server, route, routeArgs(route, prep, tokensFile, tag, maxUserId), { warmup: route !== 'revoke', database: backend === 'postgres' });
        if (route === 'revoke') {
          const row = await reader.one('SELECT COUNT(DISTINCT user_id) AS n FROM client_tokens WHERE revoked_at >= ?', [startedAt]);
          measured.revoked_live_tokens_share = Math.round((Number(row.n) / measured.requests) * 1000) / 1000;
        }
        measured.rss_mb_after = server.memory().rss_mb;
        result.routes[route] = measured;
      }
      result.peak_rss_mb = server.memory().peak_rss_mb;
    } finally {
      await server.stop();
    }
  } finally {
    await reader.close();
  }
  const ratio = (m) => { m.vs_bare = Math.round((m.rps / result.routes.bare.rps) * 100) / 100; };
  Object.values(result.routes).forEach(ratio);
  if (result.instances) Object.values(result.instances.routes).forEach(ratio);
  await db.drop();
  rmSync(tokensFile, { force: true });
  return result;
}

/** The server under `node --cpu-prof`, once under verify load and once under mint load. */
async function profileRoutes(backend) {
  const dir = fileURLToPath(new URL('./profiles/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const profiles = {};
  for (const route of ['verify', 'mint'].filter((r) => !flags.routes || flags.routes.split(',').includes(r))) {
    const db = await makeDatabase(backend, `prof_${route}`);
    const prep = await prepareDatabase({ databaseUrl: db.databaseUrl, dbPath: db.dbPath, users: SIZES.empty.users, sample: SIZES.empty.sample });
    const tokensFile = join(work, 'tokens-profile.txt');
    writeFileSync(tokensFile, prep.tokens.join('\n') + '\n', { mode: 0o600 });
    const profileDir = join(work, `profile-${backend}-${route}`);
    log(`[${backend}/profile] ${route} under --cpu-prof`);
    const server = await startTessera({ ...db, logFile: join(work, `tessera-profile.log`), profileDir });
    const measured = await measure(server, route, route === 'verify' ? [tokensFile] : [prep.key, 1, SIZES.empty.users]);
    await server.stop();
    const [file] = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    const kept = join(dir, `${backend}-${route}.cpuprofile`);
    copyFileSync(join(profileDir, file), kept);
    profiles[route] = { rps_under_profiler: measured.rps, ...summarizeProfile(kept) };
    log(printProfile(profiles[route], `${backend} ${route}`));
    await db.drop();
  }
  return profiles;
}

async function main() {
  if (!process.env.BENCH_TESSERA_ROOT) useTesseraRoot(snapshotBuild(join(work, 'build')));
  const results = {
    started_at: new Date().toISOString(),
    config: { ...config, tessera_root: process.env.BENCH_TESSERA_ROOT ?? null },
    machine: describeMachine(work),
    backends: {},
  };
  log(`tessera bench (${config.mode}): ${config.generator}, ${config.connections} connections, ${config.seconds} s per route` +
    ` after ${config.warmup_seconds} s warm-up, sizes ${config.sizes.join(', ')}, backends ${config.backends.join(', ')}`);
  for (const backend of config.backends) {
    const sizes = {};
    for (const size of config.sizes) {
      try {
        sizes[size] = await runSize(backend, size);
      } catch (error) {
        log(`[${backend}/${size}] failed: ${error.message}`);
        sizes[size] = { error: error.message };
      }
    }
    results.backends[backend] = { sizes };
    if (config.profile) {
      results.backends[backend].profiles = await profileRoutes(backend);
    }
  }
  results.finished_at = new Date().toISOString();
  results.targets = evaluateTargets(results);
  writeFileSync(flags.out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(printResults(results) + '\n');
  log(`results written to ${flags.out}`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
