import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import { seedBanner } from './seed.js';
import { prepareDatabase } from './server.js';

const RESTART_DELAY_MS = 1000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * `tessera serve --workers N`, the primary process: it migrates and seeds once, then forks N
 * workers that each run the whole server on the same port (node:cluster hands connections
 * round-robin). Workers share nothing in memory: every credential check reads the database,
 * so they behave as one service, like separate instances do. A worker that dies after it was
 * serving is replaced; SIGTERM or SIGINT stops them all.
 */
export async function runPrimary(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<number> {
  // Workers then find the tenant there and seed nothing: the key is made (and shown) once.
  const { services, seed } = await prepareDatabase(config, logger);
  await services.store.close();

  const serving = new Set<number>();
  let announced = false;
  let stopping = false;
  let resolveExit: (code: number) => void;
  const exited = new Promise<number>((resolve) => { resolveExit = resolve; });
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  cluster.on('listening', (worker, address) => {
    if (!announced) {
      announced = true;
      logger.info({ workers: config.workers, port: address.port }, 'tessera workers serving');
      if (seed) process.stdout.write(seedBanner(seed, `http://${seed.tenant}.${config.baseDomain}:${address.port}`) + '\n');
    }
    serving.add(worker.id);
  });

  cluster.on('exit', (worker, code, signal) => {
    const wasServing = serving.delete(worker.id);
    if (stopping) {
      if (alive().length === 0) resolveExit(0);
      return;
    }
    if (wasServing) {
      logger.error({ pid: worker.process.pid, code, signal }, 'worker exited; starting another');
      setTimeout(() => { if (!stopping) cluster.fork(); }, RESTART_DELAY_MS).unref();
    } else if (alive().length === 0) {
      logger.error({ code, signal }, 'workers could not start');
      resolveExit(1);
    }
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of alive()) worker.process.kill('SIGTERM');
    if (alive().length === 0) resolveExit(0);
    setTimeout(() => {
      for (const worker of alive()) worker.process.kill('SIGKILL');
      resolveExit(1);
    }, STOP_TIMEOUT_MS).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  for (let i = 0; i < config.workers; i++) cluster.fork();
  return exited;
}
