import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RequestOptions {
  method?: string;
  host?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/** A real HTTP request to a server on 127.0.0.1, with whatever Host header the test names. */
export function request(port: number, path: string, options: RequestOptions = {}): Promise<Response> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1', port, path, method: options.method ?? 'GET',
      headers: {
        host: options.host ?? 'demo.localhost',
        ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        ...options.headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Sends bytes exactly as given (for headers Node's client refuses to send); returns the raw answer. */
export function rawRequest(port: number, bytes: Buffer | string): Promise<{ status: number; text: string; body: string }> {
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed socket makes Node's server drop a response still being
    // computed (it ends the connection on the client's FIN). Every caller asks for
    // `Connection: close` or sends bytes the server answers with a close.
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}
