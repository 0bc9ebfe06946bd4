import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';

/** How long /readyz waits for the database before it answers "not ready". */
const READY_TIMEOUT_MS = 2000;

type Readiness =
  | { ready: true; current: number; latest: number }
  | { ready: false; reason: 'database_unreachable' | 'migrations_pending'; current?: number; latest?: number };

async function readiness(store: Store): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS); });
  try {
    const { current, latest } = await Promise.race([store.schemaVersion(), timeout]);
    return current === latest ? { ready: true, current, latest } : { ready: false, reason: 'migrations_pending', current, latest };
  } catch {
    return { ready: false, reason: 'database_unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For load balancers, on any host and outside every tenant: `/healthz` says the process
 * answers; `/readyz` that the database answers and its schema is the one this build expects.
 */
export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const state = await readiness(store);
    const schema = state.current === undefined ? undefined : { current: state.current, latest: state.latest };
    if (state.ready) return { status: 'ready', database: 'ok', schema };
    request.log.warn({ reason: state.reason }, 'not ready');
    return reply.code(503).send({ status: 'not_ready', reason: state.reason, ...(schema ? { schema } : {}) });
  });
}
