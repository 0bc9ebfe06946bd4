// A second reference: the same small JSON from an empty Fastify route (no hooks, no logger),
// to tell the framework's own cost from Tessera's. Usage: node bench/fastify-server.mjs <port>
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const body = { user: { id: 1, first_name: 'Bench', status: 'Active' }, account: { name: 'bench' } };
app.get('/', async () => body);
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
