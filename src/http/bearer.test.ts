import { describe, expect, it } from 'vitest';
import { readBearer } from './bearer.js';
import { tenantNameFromHost } from './host.js';

describe('readBearer', () => {
  it.each([
    ['Bearer abc', 'abc'], ['bearer abc', 'abc'], ['BEARER a|b', 'a|b'],
  ])('reads %j', (header, expected) => expect(readBearer(header)).toBe(expected));

  it.each([
    undefined, '', 'Bearer', 'Bearer ', 'Bearer  abc', 'Bearer\tabc', 'Basic abc', 'Bearer a b', 'Bearer ab\u00e9',
    `Bearer ${'a'.repeat(300)}`, ['Bearer abc'],
  ])('refuses %j', (header) => expect(readBearer(header as string)).toBeNull());
});

describe('tenantNameFromHost', () => {
  it.each([
    ['demo.localhost', 'demo'], ['demo.localhost:8080', 'demo'], ['DEMO.LocalHost:1', 'demo'], ['a-b.localhost', 'a-b'],
  ])('%s names %s', (host, name) => expect(tenantNameFromHost(host, 'localhost')).toBe(name));

  it.each([
    undefined, '', 'localhost', '.localhost', 'demo.localhost.evil.com', 'x.demo.localhost', 'demolocalhost',
    '-a.localhost', 'a_b.localhost', '127.0.0.1', '[::1]:80', `${'a'.repeat(64)}.localhost`,
  ])('%s names no tenant', (host) => expect(tenantNameFromHost(host, 'localhost')).toBeNull());

  it('works under a configured base domain', () => {
    expect(tenantNameFromHost('acme.widgets.example.com:443', 'widgets.example.com')).toBe('acme');
    expect(tenantNameFromHost('acme.localhost', 'widgets.example.com')).toBeNull();
  });
});
