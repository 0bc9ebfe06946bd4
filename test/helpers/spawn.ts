import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface SpawnedTessera {
  proc: ChildProcess;
  port: number;
  /** Everything the process printed to stdout so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Runs `tessera serve` from the repository root on a free port and waits until it is ready;
 * the port comes from the server's own "tessera ready" log line. `viaNpx` runs it exactly as a
 * user types it; otherwise the server is the child itself, so a signal reaches it directly.
 */
export async function spawnTessera(args: string[], env: Record<string, string> = {}, options: { viaNpx?: boolean } = {}): Promise<SpawnedTessera> {
  const command = options.viaNpx ? ['npx', 'tessera'] : [process.execPath, 'bin/tessera.js'];
  const proc = spawn(command[0], [...command.slice(1), 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a signal reaches the server behind npx too (see stop).
    detached: true,
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c) => { out += c; });
  proc.stderr!.on('data', (c) => { err += c; });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`tessera did not start:\n${out}\n${err}`)), 20_000);
    const check = () => {
      const m = /"port":(\d+),[^\n]*"msg":"tessera ready"/.exec(out);
      if (m) { clearTimeout(timer); resolvePort(Number(m[1])); }
    };
    proc.stdout!.on('data', check);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`tessera exited with ${code}:\n${out}\n${err}`)); });
  });
  return {
    proc, port,
    output: () => out,
    stop: (signal = 'SIGTERM') => new Promise((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
      process.kill(-proc.pid!, signal);
    }),
  };
}
