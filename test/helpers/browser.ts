import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, headless, with nothing that reaches past loopback. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-background-networking', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Where browser tests leave screenshots (gitignored). */
export function artifactPath(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

export interface PageServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A tiny web server for the pages that embed Tessera: `pages(path, host)` returns the HTML for
 * a path, or null for 404. Chromium resolves every *.localhost name to loopback, so one server
 * plays several origins (shop.localhost:port, evil.localhost:port) told apart by Host.
 */
export async function startPageServer(pages: (path: string, host: string) => string | null): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const html = pages(new URL(req.url ?? '/', 'http://x').pathname, String(req.headers.host ?? ''));
    if (html === null) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
