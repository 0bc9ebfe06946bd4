import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  data: any;
}

/** A server-sent-events stream read over real HTTP, with a way to wait for the next event. */
export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  /** Resolves with the first event (from the start) that matches and was not taken yet. */
  next(match?: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  ended: Promise<void>;
  close(): void;
}

export function openSse(port: number, path: string, host: string, headers: Record<string, string>): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      const events: SseEvent[] = [];
      let taken = 0;
      let buffer = '';
      const waiters: Array<() => void> = [];
      const wake = () => waiters.splice(0).forEach((w) => w());
      let endedResolve!: () => void;
      const ended = new Promise<void>((r) => { endedResolve = r; });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
        wake();
      });
      res.on('end', () => { endedResolve(); wake(); });
      res.on('error', () => { endedResolve(); wake(); });
      resolve({
        status: res.statusCode!, headers: res.headers, events, ended,
        next(match = () => true, timeoutMs = 3000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`)), timeoutMs);
            const look = () => {
              for (let i = taken; i < events.length; i++) {
                if (match(events[i])) { taken = i + 1; clearTimeout(timer); ok(events[i]); return; }
              }
              waiters.push(look);
            };
            look();
          });
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
