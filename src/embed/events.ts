import { Readable } from 'node:stream';
import type { TokenCheck } from '../client-tokens/service.js';
import { errors } from '../http/errors.js';
import type { Services } from '../services.js';
import type { Tenant } from '../store/types.js';
import { describeVerification } from '../verifications/catalogue.js';
import { allComplete } from '../verifications/service.js';

export interface StreamTiming {
  /** How often the store is read: token state and the user's verifications. */
  pollMs: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  keepAliveMs: number;
  /** The stream ends after this long; the panel reconnects. Bounds the work per connection. */
  maxMs: number;
}

export const DEFAULT_TIMING: StreamTiming = { pollMs: 400, keepAliveMs: 15_000, maxMs: 5 * 60_000 };

type LiveSession = Extract<TokenCheck, { valid: true }>;

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function verificationsEvent(session: LiveSession) {
  const list = session.user.verifications;
  return { verifications: list.map(describeVerification), complete: allComplete(list) };
}

/**
 * Server-sent events for one open panel, read from the store rather than from an in-process
 * emitter, so a change made through any Tessera instance sharing the database shows up. Each
 * tick re-checks the client token: once it is revoked or expired the stream says so
 * (`token_error`, the same body as the 401) and ends.
 *
 * Events: `verifications` first with the current list, then again whenever a status changes.
 */
export class SessionEventStream {
  readonly readable = new Readable({ read() {} });
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private last = '';
  private lastWrite: number;
  private readonly startedAt = Date.now();

  constructor(
    private readonly services: Services,
    private readonly tenant: Tenant,
    private readonly credential: string,
    first: LiveSession,
    private readonly timing: StreamTiming = DEFAULT_TIMING,
  ) {
    this.lastWrite = Date.now();
    this.publish(first);
    this.schedule();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.readable.push(null);
  }

  private write(text: string) {
    if (this.stopped) return;
    this.readable.push(text);
    this.lastWrite = Date.now();
  }

  private publish(session: LiveSession) {
    const key = session.user.verifications.map((v) => `${v.methodId}:${v.status}`).join(',');
    if (key === this.last) return;
    this.last = key;
    this.write(frame('verifications', verificationsEvent(session)));
  }

  private schedule() {
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.timing.pollMs);
  }

  private async tick() {
    if (this.stopped) return;
    let check: TokenCheck;
    try {
      check = await this.services.clientTokens.check(this.tenant, this.credential);
    } catch {
      // A failed read (database restart) ends this stream; the panel reconnects.
      return this.stop();
    }
    if (!check.valid) {
      this.write(frame('token_error', errors.token(check.code).body()));
      return this.stop();
    }
    this.publish(check);
    const now = Date.now();
    if (now - this.startedAt >= this.timing.maxMs) {
      this.write(frame('reconnect', {}));
      return this.stop();
    }
    if (now - this.lastWrite >= this.timing.keepAliveMs) this.write(': keep-alive\n\n');
    this.schedule();
  }
}
