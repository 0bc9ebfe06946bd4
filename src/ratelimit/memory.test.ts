import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from './memory.js';

const T0 = 1_767_268_800_000; // a whole second
const perSecond = (limit: number) => ({ limit, ms: 1000 });
const perMinute = (limit: number) => ({ limit, ms: 60_000 });

function limiterAt(start = T0) {
  let now = start;
  const limiter = new MemoryRateLimiter(() => now);
  return { limiter, advance: (ms: number) => { now += ms; } };
}

describe('MemoryRateLimiter', () => {
  it('allows the limit within a window and refuses the next with the wait until room', async () => {
    const { limiter, advance } = limiterAt();
    for (let i = 1; i <= 5; i++) expect(await limiter.hit('k', [perSecond(5)])).toEqual({ allowed: true, used: [i], retryAfterMs: 0 });
    advance(250);
    expect(await limiter.hit('k', [perSecond(5)])).toEqual({ allowed: false, used: [5], retryAfterMs: 750 });
    advance(749);
    expect((await limiter.hit('k', [perSecond(5)])).allowed).toBe(false);
    advance(1);
    expect(await limiter.hit('k', [perSecond(5)])).toEqual({ allowed: true, used: [1], retryAfterMs: 0 });
  });

  it('does not count refused requests', async () => {
    const { limiter, advance } = limiterAt();
    for (let i = 0; i < 5; i++) await limiter.hit('k', [perSecond(5)]);
    for (let i = 0; i < 20; i++) expect((await limiter.hit('k', [perSecond(5)])).allowed).toBe(false);
    advance(1000);
    for (let i = 0; i < 5; i++) expect((await limiter.hit('k', [perSecond(5)])).allowed).toBe(true);
  });

  it('slides: requests spread over a window still meet the limit', async () => {
    const { limiter, advance } = limiterAt();
    for (let i = 0; i < 5; i++) {
      expect((await limiter.hit('k', [perSecond(5)])).allowed).toBe(true);
      advance(150);
    }
    // 750 ms after the first: a fixed one-second window would have room, a sliding one has not.
    expect((await limiter.hit('k', [perSecond(5)])).allowed).toBe(false);
    advance(250);
    expect((await limiter.hit('k', [perSecond(5)])).allowed).toBe(true);
  });

  it('needs room in every window; the longest wait is reported', async () => {
    const { limiter, advance } = limiterAt();
    const windows = [perMinute(7), perSecond(5)];
    for (let i = 1; i <= 5; i++) expect((await limiter.hit('k', windows)).used).toEqual([i, i]);
    expect(await limiter.hit('k', windows)).toEqual({ allowed: false, used: [5, 5], retryAfterMs: 1000 });
    advance(1000);
    expect(await limiter.hit('k', windows)).toEqual({ allowed: true, used: [6, 1], retryAfterMs: 0 });
    expect(await limiter.hit('k', windows)).toEqual({ allowed: true, used: [7, 2], retryAfterMs: 0 });
    expect(await limiter.hit('k', windows)).toEqual({ allowed: false, used: [7, 2], retryAfterMs: 59_000 });
  });

  it('counts each key on its own and forgets idle keys', async () => {
    const { limiter, advance } = limiterAt();
    for (let i = 0; i < 5; i++) await limiter.hit('a', [perSecond(5)]);
    expect((await limiter.hit('a', [perSecond(5)])).allowed).toBe(false);
    expect((await limiter.hit('b', [perSecond(5)])).allowed).toBe(true);
    advance(60_000);
    await limiter.hit('c', [perSecond(5)]);
    expect((limiter as unknown as { counters: Map<string, unknown> }).counters.size).toBe(1);
  });
});
