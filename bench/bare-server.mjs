// The ceiling: Node's own HTTP stack answering a small JSON body, nothing else.
// Usage: node bench/bare-server.mjs <port>   (listens on 127.0.0.1 only)
import { createServer } from 'node:http';

const body = JSON.stringify({ user: { id: 1, first_name: 'Bench', status: 'Active' }, account: { name: 'bench' } });
const port = Number(process.argv[2] ?? 0);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
