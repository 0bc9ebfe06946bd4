import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs one `tessera` command (the built CLI) as an operator would; returns its stdout, parsed
 * when --json is among the arguments.
 */
export async function runTessera(args: string[], env: Record<string, string> = {}) {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/tessera.js', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  return args.includes('--json') ? JSON.parse(stdout) : stdout;
}
