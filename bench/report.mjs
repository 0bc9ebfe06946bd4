// Turns results into the printed table and the list of targets met or missed.
// `node bench/report.mjs [results.json] --markdown` prints the tables for docs/performance.md.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const ROUTE_NAMES = {
  bare: 'bare node:http (ceiling)',
  fastify: '(reference: empty Fastify route)',
  verify: 'verify  GET /api/embed/session',
  read: 'read    GET /api/users/{id}',
  mint: 'mint    POST /api/users/{id}/token',
  revoke: 'revoke  DELETE /api/users/{id}/token',
  create: 'create  POST /api/users',
};
const ORDER = ['bare', 'fastify', 'verify', 'read', 'mint', 'revoke', 'create'];
const RATIO_TARGETS = { verify: 0.85, read: 0.75, mint: 0.5, revoke: 0.5 };
const P99_TARGET_MS = 10;
const GROWTH_TARGET = 0.8;
const RSS_TARGET_MB = 300;

const pct = (x) => `${x >= 0 ? '+' : ''}${Math.round(x * 1000) / 10}%`;

export function evaluateTargets(results) {
  const out = [];
  const add = (backend, size, what, value, goal, met, gap, invalid) => out.push({
    backend, size, what, value, goal, met: met && !invalid, ...(met && !invalid ? {} : { missed_by: invalid ? `nothing: the run was invalid (${invalid})` : gap }),
  });
  for (const [backend, { sizes }] of Object.entries(results.backends)) {
    for (const [size, s] of Object.entries(sizes)) {
      if (s.error) continue;
      for (const [route, goal] of Object.entries(RATIO_TARGETS)) {
        const r = s.routes[route];
        if (r) add(backend, size, `${route} vs bare`, r.vs_bare, `>= ${goal}`, r.vs_bare >= goal, `${Math.round((goal - r.vs_bare) * 100) / 100} (${pct(r.vs_bare / goal - 1)} of the goal)`, r.invalid);
      }
      for (const route of ORDER.slice(2)) {
        const r = s.routes[route];
        if (r) add(backend, size, `${route} p99`, `${r.p99_ms} ms`, `<= ${P99_TARGET_MS} ms`, r.p99_ms <= P99_TARGET_MS, `${Math.round((r.p99_ms - P99_TARGET_MS) * 100) / 100} ms over`, r.invalid);
      }
      add(backend, size, 'peak RSS', `${s.peak_rss_mb} MB`, `< ${RSS_TARGET_MB} MB`, s.peak_rss_mb < RSS_TARGET_MB, `${s.peak_rss_mb - RSS_TARGET_MB} MB over`);
      if (s.instances) {
        for (const [route, r] of Object.entries(s.instances.routes)) {
          const one = s.routes[route];
          if (one) add(backend, size, `${route}: ${s.instances.workers} instances vs 1`, Math.round((r.rps / one.rps) * 100) / 100, '> 1', r.rps > one.rps, `${Math.round((1 - r.rps / one.rps) * 100)}% fewer req/s`);
        }
      }
    }
    const empty = sizes.empty;
    const big = sizes['1m'];
    if (empty && big && !empty.error && !big.error) {
      for (const route of ORDER.slice(2)) {
        const a = empty.routes[route];
        const b = big.routes[route];
        if (!a || !b) continue;
        const ratio = Math.round((b.rps / a.rps) * 100) / 100;
        add(backend, '1m', `${route} req/s at 1M vs empty`, ratio, `>= ${GROWTH_TARGET}`, ratio >= GROWTH_TARGET, `${Math.round((GROWTH_TARGET - ratio) * 100) / 100}`);
      }
    }
  }
  return out;
}

function routeRows(routes, prefix = '') {
  return ORDER.filter((r) => routes[r]).map((r) => {
    const m = routes[r];
    return {
      route: prefix + ROUTE_NAMES[r],
      rps: m.rps.toLocaleString('en-US'),
      p50: m.p50_ms.toFixed(2),
      p99: m.p99_ms.toFixed(2),
      ratio: m.vs_bare.toFixed(2),
      us: m.server_cpu_us_per_request === undefined ? '' : String(m.server_cpu_us_per_request),
      cpu: m.cpu ? `${m.cpu.server_cores.toFixed(2)} / ${m.cpu.loadgen_cores.toFixed(2)} / ${m.cpu.database_cores ? `${m.cpu.database_cores.toFixed(2)} / ` : ''}${m.cpu.other_cores.toFixed(2)}` : '',
      errors: String(m.errors) + (m.invalid ? ' INVALID' : '') + (m.revoked_live_tokens_share !== undefined ? ` (${Math.round(m.revoked_live_tokens_share * 100)}% revoked live tokens)` : ''),
    };
  });
}

const heading = (backend, size, s) => `${backend}, ${size}: ${s.users.toLocaleString('en-US')} users + ${s.tokens.toLocaleString('en-US')} live tokens preloaded in ${s.preload_seconds} s; Tessera peak RSS ${s.peak_rss_mb} MB`;

export function printResults(results, { markdown = false } = {}) {
  const m = results.machine;
  const lines = [
    `Tessera bench, ${results.config.mode} mode, ${results.started_at}`,
    `machine: ${m.nproc} x ${m.cpu_model}, ${m.memory_gb} GB, Node ${m.node}, disk ${m.disk?.source ?? '?'} (${m.disk?.fstype ?? '?'}), fsync 4 KiB p50 ${m.disk?.fsync_4k?.p50_ms} ms`,
    `load: ${results.config.generator}, ${results.config.connections} connections, ${results.config.threads} thread(s), ${results.config.seconds} s per route after ${results.config.warmup_seconds} s warm-up`,
  ];
  const cols = ['route', 'rps', 'p50', 'p99', 'ratio', 'us', 'cpu', 'errors'];
  const titles = { route: 'route', rps: 'req/s', p50: 'p50 ms', p99: 'p99 ms', ratio: 'vs bare', us: 'server CPU µs/req', cpu: 'cores: server / load / [db /] other', errors: 'errors' };
  for (const [backend, { sizes }] of Object.entries(results.backends)) {
    for (const [size, s] of Object.entries(sizes)) {
      lines.push('');
      if (s.error) { lines.push(`${backend}, ${size}: FAILED: ${s.error}`); continue; }
      lines.push(markdown ? `**${heading(backend, size, s)}**` : heading(backend, size, s));
      const rows = routeRows(s.routes);
      if (s.instances) rows.push(...routeRows(s.instances.routes, `${s.instances.workers} workers: `));
      if (markdown) {
        lines.push('', `| ${cols.map((c) => titles[c]).join(' | ')} |`, `|${cols.map((c) => (c === 'route' ? ' --- ' : ' ---: ')).join('|')}|`);
        for (const r of rows) lines.push(`| ${cols.map((c) => r[c]).join(' | ')} |`);
      } else {
        const width = Object.fromEntries(cols.map((c) => [c, Math.max(titles[c].length, ...rows.map((r) => r[c].length))]));
        const fmt = (r) => cols.map((c) => (c === 'route' || c === 'errors' ? r[c].padEnd(width[c]) : r[c].padStart(width[c]))).join('  ').trimEnd();
        lines.push(fmt(titles), ...rows.map(fmt));
      }
    }
  }
  lines.push('', markdown ? '| target | backend | size | value | goal | met |' : 'targets:');
  if (markdown) lines.push('| --- | --- | --- | ---: | --- | --- |');
  for (const t of results.targets) {
    const verdict = t.met ? 'met' : `MISSED by ${t.missed_by}`;
    lines.push(markdown ? `| ${t.what} | ${t.backend} | ${t.size} | ${t.value} | ${t.goal} | ${verdict} |`
      : `  ${t.met ? 'ok    ' : 'MISSED'}  ${t.backend}/${t.size}  ${t.what}: ${t.value} (goal ${t.goal})${t.met ? '' : `, by ${t.missed_by}`}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? new URL('./results.json', import.meta.url);
  process.stdout.write(printResults(JSON.parse(readFileSync(file, 'utf8')), { markdown: process.argv.includes('--markdown') }) + '\n');
}
