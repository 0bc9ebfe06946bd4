// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): where the server's time went, by
// area (Node's HTTP stack, Fastify, SQLite, Tessera's own code, GC, ...) and by function.
// Usage: node bench/profile.mjs <file.cpuprofile> [more...]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

function area(frame) {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === '(idle)') return 'idle (waiting for I/O)';
    if (functionName === '(program)') return 'program (V8/libuv outside JS)';
    if (functionName === '(root)') return 'root';
    return `native: ${functionName}`;
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] === 'better-sqlite3' ? 'better-sqlite3 (JS)' : pkg[1];
  if (url.startsWith('node:')) {
    const mod = url.slice(5).replace(/^internal\//, '');
    if (/^(_http|http|net|stream|streams|timers|events|buffer|url|querystring)/.test(mod)) return `node: ${mod.split('/')[0].replace(/_(server|common|outgoing|incoming)$/, '')}`;
    return `node: ${mod.split('/')[0]}`;
  }
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist) return `tessera: ${dist[1]}`;
  return url;
}

const where = (f) => `${f.functionName || '(anonymous)'} ${f.url ? `${f.url.replace(/^.*?\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '')}:${f.lineNumber + 1}` : ''}`.trim();

export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byArea = new Map();
  const bySelf = new Map();
  for (const [id, ms] of self) {
    const frame = nodes.get(id).callFrame;
    byArea.set(area(frame), (byArea.get(area(frame)) ?? 0) + ms);
    bySelf.set(where(frame), (bySelf.get(where(frame)) ?? 0) + ms);
  }

  // Inclusive time per function, counted once per stack even under recursion.
  const inclusive = new Map();
  const walk = (id, onStack) => {
    const node = nodes.get(id);
    const key = where(node.callFrame);
    let sum = self.get(id) ?? 0;
    const fresh = !onStack.has(key);
    if (fresh) onStack.add(key);
    for (const child of node.children ?? []) sum += walk(child, onStack);
    if (fresh) { onStack.delete(key); inclusive.set(key, (inclusive.get(key) ?? 0) + sum); }
    return sum;
  };
  walk(profile.nodes[0].id, new Set());

  const busy = total - (byArea.get('idle (waiting for I/O)') ?? 0);
  const rows = (map, filter = () => true) => [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), pct_of_busy: Math.round((ms / busy) * 1000) / 10 }));
  const idle = byArea.get('idle (waiting for I/O)') ?? 0;
  byArea.delete('idle (waiting for I/O)');
  return {
    file,
    total_ms: Math.round(total),
    busy_ms: Math.round(busy),
    idle_ms: Math.round(idle),
    by_area: rows(byArea),
    top_self: rows(bySelf, (k) => !k.startsWith('(idle)')),
    tessera_inclusive: rows(inclusive, (k) => / dist\//.test(k)),
  };
}

export function printProfile(summary, label) {
  const lines = [`\n## CPU profile: ${label} (${summary.busy_ms} ms busy, ${summary.idle_ms} ms idle, of ${summary.total_ms} ms sampled)`];
  const section = (title, rows) => {
    lines.push(`\n${title}`);
    for (const r of rows) lines.push(`  ${String(r.pct_of_busy).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
  };
  section('By area (self time, % of busy time):', summary.by_area);
  section('Top functions (self time):', summary.top_self);
  section("Tessera's own functions (inclusive time):", summary.tessera_inclusive);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of process.argv.slice(2)) console.log(printProfile(summarizeProfile(file), file));
}
