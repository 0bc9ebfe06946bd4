import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { sqliteBackend, type TestDatabase } from '../helpers/backends.js';
import { launchChromium, startPageServer, type PageServer } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'MXxhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODlBQkNE';

/**
 * The loader's message handling, in Chromium, against a stand-in panel that the test drives:
 * it says what it received and posts whatever the test asks, so every rule of the loader can
 * be checked on its own (right origin, right window, well-formed message).
 */
describe('the TrustVerify loader', () => {
  let db: TestDatabase;
  let tessera: TestServer;
  let pages: PageServer;
  let browser: Browser;
  let page: Page;

  const origin = (name: string) => `http://${name}.localhost:${pages.port}`;
  const fakePanel = `<!doctype html><script>
    window.received = [];
    window.addEventListener('message', function (e) { received.push({ origin: e.origin, data: e.data, fromParent: e.source === parent }); });
    window.send = function (message) { parent.postMessage(message, '*'); };
    parent.postMessage({ source: 'tessera-panel', v: 1, type: 'ready' }, '*');
  </script>`;
  const impostor = `<!doctype html><script>window.send = function (message) { parent.postMessage(message, '*'); };</script>`;

  beforeAll(async () => {
    db = await sqliteBackend.createDatabase();
    tessera = await startTestServer(db);
    pages = await startPageServer((path, host) => {
      if (path === '/account/embed' && host.startsWith('panel.')) return fakePanel;
      if (path === '/impostor.html') return impostor;
      if (path === '/host.html') {
        return `<!doctype html><div id="box"></div>
<script src="http://any.localhost:${tessera.port}/trust-verify.js"></script>
<script>
window.calls = [];
window.handler = TrustVerify.configure({
  onDisplay: function (e) { calls.push(['display', e]); },
  onStateChange: function (e) { calls.push(['state', e]); },
  onComplete: function (e) { calls.push(['complete', e]); },
  onExit: function (e) { calls.push(['exit', e]); },
  onError: function (e) { calls.push(['error', e]); },
});
</script>`;
      }
      return null;
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await tessera?.close();
    await db?.drop();
  });

  beforeEach(async () => {
    await page?.context().close();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => { throw error; });
    await page.goto(`${origin('shop')}/host.html`);
  });

  /** Opens the loader on the fake panel and waits until the panel holds the token. */
  async function openOnFakePanel(): Promise<Frame> {
    await page.evaluate(({ token, base }) => (window as any).handler.open({ clientToken: token, baseUrl: base, container: document.getElementById('box') }),
      { token: TOKEN, base: origin('panel') });
    await page.waitForFunction(() => document.querySelector('iframe') !== null);
    const panel = page.frames().find((f) => f.url() === `${origin('panel')}/account/embed`)
      ?? await page.waitForEvent('framenavigated', { predicate: (f) => f.url() === `${origin('panel')}/account/embed` });
    await panel.waitForFunction(() => (window as any).received.length > 0);
    return panel;
  }
  const calls = () => page.evaluate(() => (window as any).calls as Array<[string, unknown]>);
  /** Posts `messages` from `frame`, then a valid display from the panel as a marker, and waits for it. */
  async function postThenMark(from: Frame, panel: Frame, messages: unknown[]) {
    for (const m of messages) await from.evaluate((msg) => (window as any).send(msg), m);
    const before = (await calls()).filter(([t]) => t === 'display').length;
    await panel.evaluate(() => (window as any).send({ source: 'tessera-panel', v: 1, type: 'display' }));
    await page.waitForFunction((n) => (window as any).calls.filter((c: [string]) => c[0] === 'display').length > n, before);
  }

  it('posts the token to the panel\'s origin only after the panel asks, and keeps it out of the URL', async () => {
    const panel = await openOnFakePanel();
    expect(await panel.evaluate(() => (window as any).received)).toEqual([
      { origin: origin('shop'), fromParent: true, data: { source: 'tessera-loader', v: 1, type: 'token', token: TOKEN } },
    ]);
    expect(await page.locator('iframe').getAttribute('src')).toBe(`${origin('panel')}/account/embed`);
  });

  it('passes well-formed panel messages to the callbacks', async () => {
    const panel = await openOnFakePanel();
    for (const message of [
      { type: 'display' },
      { type: 'state_change', data: { method: 'Email', state: 'Complete', verification_id: 1, status: 2, extra: 'dropped' } },
      { type: 'complete', data: { value: 'u-1' } },
      { type: 'error', data: { code: 'token_expired', message: 'The client token has expired.' } },
      { type: 'exit' },
    ]) await panel.evaluate((m) => (window as any).send({ source: 'tessera-panel', v: 1, ...m }), message);
    await page.waitForFunction(() => (window as any).calls.length === 5);
    expect(await calls()).toEqual([
      ['display', undefined],
      ['state', { method: 'Email', state: 'Complete', verification_id: 1, status: 2 }],
      ['complete', { value: 'u-1' }],
      ['error', { code: 'token_expired', message: 'The client token has expired.' }],
      ['exit', undefined],
    ]);
    expect(await page.locator('iframe').count()).toBe(0);
  });

  it('ignores malformed messages from the panel', async () => {
    const panel = await openOnFakePanel();
    await postThenMark(panel, panel, [
      'display', null, 42, [], { type: 'display' }, { source: 'tessera-panel', type: 'display' },
      { source: 'tessera-panel', v: 2, type: 'display' }, { source: 'other', v: 1, type: 'display' },
      { source: 'tessera-panel', v: 1, type: 'nonsense' }, { source: 'tessera-panel', v: 1, type: 'state_change' },
      { source: 'tessera-panel', v: 1, type: 'state_change', data: { method: 'Email', state: 2, verification_id: '1' } },
      { source: 'tessera-panel', v: 1, type: 'error', data: { code: 'anything', message: 'x' } },
      { source: 'tessera-panel', v: 1, type: 'toString' }, { source: 'tessera-panel', v: 1, type: '__proto__' },
    ]);
    expect(await calls()).toEqual([['display', undefined]]);
    expect(await page.locator('iframe').count()).toBe(1);
  });

  it('ignores panel-shaped messages from another origin, another window of the panel\'s origin, and the page itself', async () => {
    const panel = await openOnFakePanel();
    const add = (src: string) => page.evaluate((s) => new Promise<void>((resolve) => {
      const f = document.createElement('iframe');
      f.src = s;
      f.onload = () => resolve();
      document.body.appendChild(f);
    }), src);
    await add(`${origin('evil')}/impostor.html`);
    await add(`${origin('panel')}/impostor.html`);
    const evil = page.frames().find((f) => f.url().startsWith(origin('evil')))!;
    const twin = page.frames().find((f) => f.url() === `${origin('panel')}/impostor.html`)!;
    const forged = [
      { source: 'tessera-panel', v: 1, type: 'display' },
      { source: 'tessera-panel', v: 1, type: 'error', data: { code: 'token_revoked', message: 'forged' } },
      { source: 'tessera-panel', v: 1, type: 'exit' },
      { source: 'tessera-panel', v: 1, type: 'ready' },
    ];
    await postThenMark(evil, panel, forged);
    await postThenMark(twin, panel, forged);
    await page.evaluate((ms) => { for (const m of ms) window.postMessage(m, '*'); }, forged);
    await postThenMark(panel, panel, []);
    expect((await calls()).map(([t]) => t)).toEqual(['display', 'display', 'display']);
    // A forged "ready" from elsewhere did not draw the token out a second time.
    expect(await panel.evaluate(() => (window as any).received.length)).toBe(1);
    expect(await page.locator('iframe[src$="/account/embed"]').count()).toBe(1);
  });

  it('refuses bad arguments to open() loudly, before anything is mounted', async () => {
    for (const options of [undefined, {}, { clientToken: 'has spaces', baseUrl: origin('panel') }, { clientToken: TOKEN }, { clientToken: TOKEN, baseUrl: '/relative' },
      { clientToken: TOKEN, baseUrl: 'javascript:alert(1)' }, { clientToken: TOKEN, baseUrl: origin('panel'), container: 'box' }]) {
      const error = await page.evaluate((o) => { try { (window as any).handler.open(o); return null; } catch (e) { return String(e); } }, options);
      expect(error, JSON.stringify(options)).toMatch(/TypeError/);
    }
    expect(await page.locator('iframe').count()).toBe(0);
  });
});
