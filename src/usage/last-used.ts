import type { Store } from '../store/store.js';

/**
 * Keeps `last_used_at` for keys and tokens without a database write per request: uses are
 * noted in memory and written in one batch every few seconds and on shutdown. At most one
 * interval of last-use times is lost in a crash; nothing that decides access depends on them.
 */
export class LastUsedRecorder {
  private keys = new Map<number, number>();
  private tokens = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: Store) {}

  keyUsed(id: number, at: number): void {
    this.keys.set(id, at);
  }

  tokenUsed(id: number, at: number): void {
    this.tokens.set(id, at);
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    const keys = this.keys;
    const tokens = this.tokens;
    this.keys = new Map();
    this.tokens = new Map();
    await Promise.all([this.store.touchApiKeys(keys), this.store.touchClientTokens(tokens)]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
