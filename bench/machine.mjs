// What the figures came from: CPU, cores, memory, Node, kernel, and the disk the database
// lives on, with the latency of one durable write (write + fsync) there.
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

function fsyncLatency(dir, rounds = 200) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    writeSync(fd, block, 0, block.length, (i % 16) * 4096);
    fsyncSync(fd);
    times.push(performance.now() - t);
  }
  closeSync(fd);
  rmSync(file);
  times.sort((a, b) => a - b);
  const at = (q) => Math.round(times[Math.floor(q * (times.length - 1))] * 1000) / 1000;
  return { p50_ms: at(0.5), p99_ms: at(0.99) };
}

export function describeMachine(dataDir) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  let disk = null;
  try {
    const [, line] = execFileSync('df', ['-h', '--output=source,fstype,size,avail', dataDir], { encoding: 'utf8' }).trim().split('\n');
    const [source, fstype, size, avail] = line.trim().split(/\s+/);
    disk = { source, fstype, size, avail };
  } catch { /* df is missing: leave it out */ }
  return {
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    nproc: availableParallelism(),
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    load_average_at_start: loadavg().map((x) => Math.round(x * 100) / 100),
    disk: { ...disk, data_dir: dataDir, fsync_4k: fsyncLatency(dataDir) },
  };
}
