import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { tenantCommands, keyCommands, userCommands, tokenCommands, type CommandInput } from './cli/admin.js';
import { UsageError } from './cli/output.js';
import { runPrimary } from './cluster.js';
import { templateCommands } from './cli/templates.js';
import { ConfigError, loadConfig } from './config.js';
import { createServices } from './services.js';
import { startServer } from './server.js';
import { openStore } from './store/open.js';

const HELP = `tessera: multi-tenant users and client tokens for embedded widgets

  tessera serve [--port 8080] [--db data/tessera.db] [--database-url postgres://...]
                [--base-domain localhost] [--host localhost] [--log-level info] [--no-seed]
                [--trust-proxy] [--workers N] [--redis-url redis://...]
  tessera migrate
  tessera tenant create <name> [--token-ttl seconds]
  tessera tenant list
  tessera tenant set <tenant> [--token-ttl seconds]
  tessera key create <tenant> [--name NAME]      prints the key once
  tessera key list <tenant>
  tessera key revoke <tenant> <key-id>
  tessera user create <tenant> --email EMAIL [--first-name F] [--last-name L] [--template ID]
  tessera user list <tenant>
  tessera token create <tenant> <user-id> [--expires-in seconds]
  tessera tenant set <tenant> --embed-origin <origin>...   (repeat; replaces the list)
  tessera tenant set <tenant> --clear-embed-origins
  tessera tenant set <tenant> --rate-limit 600/min,20/s   per API key ("default": 300/min,5/s)
  tessera tenant set <tenant> --mint-limit 30/min         client tokens per end user
  tessera template create <tenant> <name> --method <id>... [--default]
  tessera template list <tenant>

Every command takes --json for machine-readable output, and --db / --database-url
(or TESSERA_DB / DATABASE_URL) to pick the database.`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  'database-url': { type: 'string' },
  'redis-url': { type: 'string' },
  'base-domain': { type: 'string' },
  'log-level': { type: 'string' },
  workers: { type: 'string' },
  'no-seed': { type: 'boolean' },
  'trust-proxy': { type: 'boolean' },
  name: { type: 'string' },
  email: { type: 'string' },
  'first-name': { type: 'string' },
  'last-name': { type: 'string' },
  template: { type: 'string' },
  'token-ttl': { type: 'string' },
  'expires-in': { type: 'string' },
  'embed-origin': { type: 'string', multiple: true },
  'clear-embed-origins': { type: 'boolean' },
  'rate-limit': { type: 'string' },
  'mint-limit': { type: 'string' },
  method: { type: 'string', multiple: true },
  default: { type: 'boolean' },
} as const;

type Handler = (input: CommandInput) => Promise<void>;
const COMMANDS: Record<string, Record<string, Handler>> = {
  tenant: tenantCommands,
  key: keyCommands,
  user: userCommands,
  token: tokenCommands,
  template: templateCommands,
};

async function serve(flags: CommandInput['flags']): Promise<number> {
  const config = loadConfig(flags);
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
  const server = await startServer(config);
  const stop = () => { server.close().then(() => process.exit(0), () => process.exit(1)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise<number>(() => {}); // runs until a signal
}

async function admin(group: string, verb: string | undefined, args: string[], flags: CommandInput['flags']): Promise<number> {
  const handler = verb ? COMMANDS[group][verb] : undefined;
  if (!handler) throw new UsageError(`unknown command "${[group, verb].filter(Boolean).join(' ')}"; try tessera --help`);
  const store = await openStore(loadConfig(flags), { create: false });
  try {
    await store.migrate();
    const services = createServices(store);
    await handler({ services, args, flags, json: flags.json === true });
  } finally {
    await store.close();
  }
  return 0;
}

/** Runs one command; returns the exit code. Bad input is one line on stderr, never a trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const flags = values as CommandInput['flags'];
    const [command, verb, ...args] = positionals;
    if (flags.help || command === undefined || command === 'help') {
      process.stdout.write(HELP + '\n');
      return command === undefined && !flags.help ? 2 : 0;
    }
    if (command === 'serve') return await serve(flags);
    if (command === 'migrate') {
      const store = await openStore(loadConfig(flags));
      const applied = await store.migrate();
      await store.close();
      process.stdout.write(flags.json ? JSON.stringify({ applied }) + '\n' : `applied ${applied.length ? applied.join(', ') : 'nothing (up to date)'}\n`);
      return 0;
    }
    if (command in COMMANDS) return await admin(command, verb, args, flags);
    throw new UsageError(`unknown command "${command}"; try tessera --help`);
  } catch (error) {
    const known = error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`tessera: ${known ? (error as Error).message : `unexpected error: ${(error as Error).message}`}\n`);
    return known ? 2 : 1;
  }
}

