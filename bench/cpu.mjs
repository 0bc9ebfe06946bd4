// CPU accounting around a measured run, from /proc: how much the server, the load generator
// and everything else on the machine used. Other engineers' test runs on a shared 2-core
// machine show up as "other", so a disturbed figure can be told from a slow one.
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function machineTicks() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return { busy: user + nice + system + irq + softirq + (steal ?? 0), idle: idle + iowait };
}

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return { own: f[11] + f[12], children: f[13] + f[14] };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** The pid and all its descendants (cluster workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const kids = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim();
        if (kids) out.push(...kids.split(/\s+/).map(Number));
      }
    } catch { /* gone */ }
  }
  return out;
}

/**
 * CPU of every PostgreSQL process on the machine (the server and its backends, other users'
 * included), per pid: a backend that exits during the run drops out of both sides.
 */
function postgresTicks() {
  const ticks = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('postgres')) ticks.set(entry, processTicks(entry).own);
    } catch { /* gone */ }
  }
  return ticks;
}

function postgresDelta(a, b) {
  let sum = 0;
  for (const [pid, t] of b) sum += Math.max(0, t - (a.get(pid) ?? 0));
  return sum;
}

export function snapshot(serverPid, { database = false } = {}) {
  const self = processTicks(process.pid);
  return {
    database: database ? postgresTicks() : new Map(),
    at: performance.now(),
    machine: machineTicks(),
    server: serverPid ? processTree(serverPid).reduce((sum, pid) => sum + processTicks(pid).own, 0) : 0,
    // The load generator is a child this process has waited for: its time lands in cutime.
    harness: self.own,
    loadgen: self.children,
  };
}

/** Cores used by each party between two snapshots. */
export function cpuBetween(a, b) {
  const seconds = (b.at - a.at) / 1000;
  const cores = (ticks) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 100) / 100;
  const busy = b.machine.busy - a.machine.busy;
  const server = b.server - a.server;
  const loadgen = b.loadgen - a.loadgen;
  const harness = b.harness - a.harness;
  const database = postgresDelta(a.database, b.database);
  return {
    server_cores: cores(server), loadgen_cores: cores(loadgen), database_cores: cores(database),
    other_cores: cores(Math.max(0, busy - server - loadgen - harness - database)),
  };
}

/** Waits (up to `maxMs`) for a second in which the rest of the machine uses under `threshold` cores. */
export async function waitForQuiet(maxMs, threshold = 0.3) {
  const started = performance.now();
  for (;;) {
    const a = snapshot(0);
    await new Promise((r) => setTimeout(r, 1000));
    const { other_cores } = cpuBetween(a, snapshot(0));
    if (other_cores < threshold || performance.now() - started >= maxMs) {
      return { waited_s: Math.round((performance.now() - started) / 100) / 10, other_cores_before: other_cores };
    }
  }
}
