import { describe, expect, it } from 'vitest';
import { parseLimits } from './parse.js';

describe('parseLimits', () => {
  it.each([
    ['600/min,20/s', { perMinute: 600, perSecond: 20 }],
    ['20/s, 600/min', { perMinute: 600, perSecond: 20 }],
    ['100/minute', { perMinute: 100 }],
    ['3/sec', { perSecond: 3 }],
    ['1/m', { perMinute: 1 }],
    ['default', { perMinute: null, perSecond: null }],
  ])('reads %s', (text, expected) => {
    expect(parseLimits(text)).toEqual(expected);
  });

  it.each(['', '600', '600/h', '0/s', '-1/s', '1/s,2/s', '600/min,', '99999999999/s', '1.5/s', 'default,1/s'])('refuses %j', (text) => {
    expect(parseLimits(text)).toBeNull();
  });
});
