import { BUCKETS, bucketMs, type Decision, type RateLimiter, type Window } from './limiter.js';

interface Counter {
  buckets: Map<number, number>;
  /** After this time every bucket has aged out and the counter can go. */
  until: number;
}

const SWEEP_EVERY_MS = 30_000;

/** The limiter of one instance: counts live in this process. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, Counter>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windows: Window[]): Promise<Decision> {
    const now = this.now();
    this.sweep(now);
    const counters = windows.map((w) => this.counter(`${key}|${w.ms}`, w, now));
    const used = counters.map((c) => sum(c.buckets));
    let retryAfterMs = 0;
    windows.forEach((w, i) => {
      if (used[i] >= w.limit) retryAfterMs = Math.max(retryAfterMs, waitFor(counters[i].buckets, w, used[i], now));
    });
    if (retryAfterMs > 0) return { allowed: false, used, retryAfterMs };
    windows.forEach((w, i) => {
      const bucket = Math.floor(now / bucketMs(w));
      counters[i].buckets.set(bucket, (counters[i].buckets.get(bucket) ?? 0) + 1);
      counters[i].until = now + w.ms + bucketMs(w);
      used[i] += 1;
    });
    return { allowed: true, used, retryAfterMs: 0 };
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  /** The counter of `id`, with buckets that left the window dropped. */
  private counter(id: string, w: Window, now: number): Counter {
    let counter = this.counters.get(id);
    if (!counter) this.counters.set(id, (counter = { buckets: new Map(), until: 0 }));
    const oldest = Math.floor(now / bucketMs(w)) - BUCKETS + 1;
    for (const bucket of counter.buckets.keys()) if (bucket < oldest) counter.buckets.delete(bucket);
    return counter;
  }

  private sweep(now: number) {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [id, counter] of this.counters) if (counter.until < now) this.counters.delete(id);
  }
}

function sum(buckets: Map<number, number>): number {
  let n = 0;
  for (const count of buckets.values()) n += count;
  return n;
}

/** How long until enough of the oldest buckets age out to leave room for one more request. */
function waitFor(buckets: Map<number, number>, w: Window, used: number, now: number): number {
  let left = used;
  for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
    left -= buckets.get(bucket)!;
    if (left < w.limit) return (bucket + BUCKETS) * bucketMs(w) - now;
  }
  return bucketMs(w);
}
