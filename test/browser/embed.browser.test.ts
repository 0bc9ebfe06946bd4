import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sqliteBackend, type TestDatabase } from '../helpers/backends.js';
import { artifactPath, launchChromium, startPageServer, type PageServer } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The whole embed path in a real Chromium: a shop page on an allowed origin loads the loader
 * from its Tessera host, opens the hosted panel with a client token, and hears back.
 */
describe('the embed in Chromium', () => {
  let db: TestDatabase;
  let tessera: TestServer;
  let pages: PageServer;
  let browser: Browser;
  let key: string;
  let context: BrowserContext;
  const requested: string[] = [];
  const tokens: string[] = [];

  const tesseraOrigin = () => `http://acme.localhost:${tessera.port}`;
  const shopOrigin = () => `http://shop.localhost:${pages.port}`;
  const evilOrigin = () => `http://evil.localhost:${pages.port}`;

  const hostPage = () => `<!doctype html><html><body><h1>Shop</h1><div id="box"></div>
<script src="${tesseraOrigin()}/account/trust-verify.js"></script>
<script>
window.events = [];
window.handler = TrustVerify.configure({
  onDisplay: function () { events.push({ type: 'display' }); },
  onStateChange: function (e) { events.push(Object.assign({ type: 'state' }, e)); },
  onComplete: function (e) { events.push(Object.assign({ type: 'complete' }, e)); },
  onExit: function () { events.push({ type: 'exit' }); },
  onError: function (e) { events.push(Object.assign({ type: 'error' }, e)); },
});
window.openEmbed = function (token, modal) {
  handler.open({ clientToken: token, baseUrl: '${tesseraOrigin()}', modal: modal, container: modal ? undefined : document.getElementById('box') });
};
</script></body></html>`;

  beforeAll(async () => {
    db = await sqliteBackend.createDatabase();
    tessera = await startTestServer(db);
    key = (await tessera.addTenant('acme')).key;
    pages = await startPageServer((path, host) => {
      if (path === '/host.html') return hostPage();
      // A page that frames the panel directly, from whichever origin serves it.
      if (path === '/frame.html') return `<!doctype html><iframe id="panel" src="${tesseraOrigin()}/account/embed"></iframe>`;
      if (path === '/sibling.html') return `<!doctype html><script>window.sendToken = function (token) {
        parent.frames[0].postMessage({ source: 'tessera-loader', v: 1, type: 'token', token: token }, '*'); };</script>`;
      return null;
    });
    await tessera.services.tenants.update('acme', { embedOrigins: [shopOrigin()] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await tessera?.close();
    await db?.drop();
    // Checked last, over every request of every test: the token never rode in a URL.
    expect(requested.length).toBeGreaterThan(10);
    for (const token of tokens) {
      for (const form of [token, encodeURIComponent(token), token.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]) {
        expect(requested.filter((url) => url.includes(form))).toEqual([]);
      }
    }
  });

  beforeEach(async () => {
    await context?.close();
    context = await browser.newContext();
    context.on('request', (r) => requested.push(r.url()));
  });

  const api = (method: string, path: string, body?: unknown) => tessera.call('acme', key, method, path, { body });
  async function newUser(firstName: string) {
    const res = await api('POST', '/api/users', { email: `${firstName.toLowerCase()}.${Date.now()}@example.com`, first_name: firstName, last_name: 'Browser' });
    const token = (await api('POST', `/api/users/${res.json.id}/token`)).json.token as string;
    tokens.push(token);
    return { id: res.json.id as number, userId: res.json.user_id as string, token };
  }
  async function openShop(origin = shopOrigin()): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${origin}/host.html`);
    return page;
  }
  const events = (page: Page) => page.evaluate(() => (window as any).events as Array<Record<string, unknown>>);
  const waitForEvent = (page: Page, type: string, timeout = 5000) =>
    page.waitForFunction((t) => (window as any).events.some((e: { type: string }) => e.type === t), type, { timeout });

  it('opens the panel on an allowed origin and shows the user\'s checklist', async () => {
    const user = await newUser('Bea');
    const page = await openShop();
    await page.evaluate((t) => (window as any).openEmbed(t, true), user.token);
    const panel = page.frameLocator('iframe[title="Identity verification"]');
    await expect.poll(() => panel.locator('#title').textContent()).toBe('Hi Bea Browser, verify your identity');
    expect(await panel.locator('.item .name').allTextContents()).toEqual(['Email', 'Phone', 'Document']);
    expect(await panel.locator('.item .badge').allTextContents()).toEqual(['Pending', 'Pending', 'Pending']);
    await waitForEvent(page, 'display');
    expect(page.frames().find((f) => f.url().startsWith(tesseraOrigin()))!.url()).toBe(`${tesseraOrigin()}/account/embed`);
    await page.screenshot({ path: artifactPath('embed-panel.png') });
  });

  it('fires onStateChange within a second of a backend PATCH, and onComplete after the last one', async () => {
    const user = await newUser('Cy');
    const page = await openShop();
    await page.evaluate((t) => (window as any).openEmbed(t, false), user.token);
    await waitForEvent(page, 'display');

    for (const method of [2, 1, 3]) {
      const res = await api('PATCH', `/api/users/${user.id}/verifications`, { verification_id: method, status: 2 });
      expect(res.status).toBe(200);
      // The issue's own bound: the host page hears of the change within a second.
      await page.waitForFunction((m) => (window as any).events.some((e: any) => e.type === 'state' && e.verification_id === m), method, { timeout: 1000 });
    }
    await waitForEvent(page, 'complete', 1000);
    const seen = await events(page);
    expect(seen.filter((e) => e.type === 'state')).toEqual([
      { type: 'state', method: 'Phone', state: 'Complete', verification_id: 2, status: 2 },
      { type: 'state', method: 'Email', state: 'Complete', verification_id: 1, status: 2 },
      { type: 'state', method: 'Document', state: 'Complete', verification_id: 3, status: 2 },
    ]);
    expect(seen.filter((e) => e.type === 'complete')).toEqual([{ type: 'complete', value: user.userId }]);
    // onComplete came after the last state change, not before.
    expect(seen.findIndex((e) => e.type === 'complete')).toBe(seen.length - 1);
    const panel = page.frameLocator('iframe');
    expect(await panel.locator('.item .badge').allTextContents()).toEqual(['Complete', 'Complete', 'Complete']);
  });

  it('reports token_revoked through onError after DELETE .../token', async () => {
    const user = await newUser('Di');
    const page = await openShop();
    await page.evaluate((t) => (window as any).openEmbed(t, true), user.token);
    await waitForEvent(page, 'display');
    const res = await api('DELETE', `/api/users/${user.id}/token`);
    expect(res.status).toBe(200);
    await waitForEvent(page, 'error');
    expect((await events(page)).filter((e) => e.type === 'error')).toEqual([
      { type: 'error', code: 'token_revoked', message: 'The client token has been revoked.' },
    ]);
    const panel = page.frameLocator('iframe');
    expect(await panel.locator('#status').textContent()).toContain('This session has ended');
  });

  it('reports token_invalid for a token that never worked', async () => {
    const page = await openShop();
    await page.evaluate(() => (window as any).openEmbed('MXxub3RhcmVhbHRva2Vubm90YXJlYWx0b2tlbm5vdGFyZWFsdG9rZW4x', true));
    await waitForEvent(page, 'error');
    expect((await events(page)).map((e) => [e.type, e.code])).toEqual([['error', 'token_invalid']]);
  });

  it('fires onExit when the user closes the panel, and when the page calls close()', async () => {
    const user = await newUser('Ed');
    const page = await openShop();
    await page.evaluate((t) => (window as any).openEmbed(t, true), user.token);
    await waitForEvent(page, 'display');
    await page.frameLocator('iframe').locator('#close').click();
    await waitForEvent(page, 'exit');
    expect(await page.locator('iframe').count()).toBe(0);
    expect(await page.locator('[data-trustverify="overlay"]').count()).toBe(0);

    await page.evaluate((t) => (window as any).openEmbed(t, false), user.token);
    await page.waitForFunction(() => (window as any).events.filter((e: any) => e.type === 'display').length === 2);
    await page.evaluate(() => (window as any).handler.close());
    expect((await events(page)).filter((e) => e.type === 'exit')).toHaveLength(2);
    expect(await page.locator('iframe').count()).toBe(0);
    // A second close with nothing open says nothing.
    await page.evaluate(() => (window as any).handler.close());
    expect((await events(page)).filter((e) => e.type === 'exit')).toHaveLength(2);
  });

  it('keeps a page on an origin that is not allowed from framing the panel', async () => {
    const user = await newUser('Flo');
    // Chromium fetches the panel, reads its frame-ancestors and refuses to show it.
    const blocked = (page: Page) => page.waitForEvent('requestfailed', {
      predicate: (r) => r.url() === `${tesseraOrigin()}/account/embed` && r.failure()?.errorText === 'net::ERR_BLOCKED_BY_RESPONSE',
      timeout: 5000,
    });
    const page = await openShop(evilOrigin());
    const refused = blocked(page);
    await page.evaluate((t) => (window as any).openEmbed(t, true), user.token);
    await refused;
    const frame = page.frames().find((f) => f !== page.mainFrame())!;
    expect(frame.url()).not.toContain(tesseraOrigin());
    expect(await frame.evaluate(() => document.querySelector('#checklist') !== null).catch(() => false)).toBe(false);
    expect(await events(page)).toEqual([]);

    // Framing it directly, without the loader, fails the same way.
    const direct = await context.newPage();
    const refusedAgain = blocked(direct);
    await direct.goto(`${evilOrigin()}/frame.html`);
    await refusedAgain;

    // The same page on the allowed origin frames it (the control for the two refusals above);
    // without the loader no token comes, so the panel waits.
    const allowed = await context.newPage();
    await allowed.goto(`${shopOrigin()}/frame.html`);
    await expect.poll(() => allowed.frameLocator('#panel').locator('#status').textContent()).toBe('Connecting…');
  });

  it('lets only an allowed origin read the embed API', async () => {
    const user = await newUser('Gus');
    const read = (page: Page) => page.evaluate(async ({ url, token }) => {
      try {
        const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
        return { status: res.status, body: await res.json() };
      } catch (error) {
        return { failed: String(error) };
      }
    }, { url: `${tesseraOrigin()}/api/embed/session`, token: user.token });

    const allowed = await read(await openShop());
    expect(allowed).toMatchObject({ status: 200, body: { user: { first_name: 'Gus' } } });
    const refused = await read(await openShop(evilOrigin()));
    expect(refused).toEqual({ failed: expect.stringContaining('Failed to fetch') });
  });

  it('ignores a token posted to the panel by any window but its parent, and junk from the parent', async () => {
    const mine = await newUser('Hal');
    const theirs = await newUser('Ivy');
    const page = await context.newPage();
    await page.goto(`${shopOrigin()}/host.html`);
    // The shop frames the panel itself, then an iframe from another origin tries to hand it a token.
    await page.evaluate(({ panel, sibling }) => new Promise<void>((resolve) => {
      const p = document.createElement('iframe');
      p.src = panel;
      document.body.appendChild(p);
      p.onload = () => {
        const s = document.createElement('iframe');
        s.src = sibling;
        s.onload = () => resolve();
        document.body.appendChild(s);
      };
    }), { panel: `${tesseraOrigin()}/account/embed`, sibling: `${evilOrigin()}/sibling.html` });
    const sibling = page.frames().find((f) => f.url().endsWith('/sibling.html'))!;
    await sibling.evaluate((t) => (window as any).sendToken(t), theirs.token);
    await page.evaluate((token) => {
      const target = (document.querySelector('iframe') as HTMLIFrameElement).contentWindow!;
      const origin = new URL((document.querySelector('iframe') as HTMLIFrameElement).src).origin;
      for (const junk of ['token', null, [], { type: 'token' }, { source: 'tessera-loader', v: 2, type: 'token', token },
        { source: 'tessera-loader', v: 1, type: 'token', token: 'not a token!' }, { source: 'tessera-loader', v: 1, type: 'token', token: 42 }]) {
        target.postMessage(junk, origin);
      }
      target.postMessage({ source: 'tessera-loader', v: 1, type: 'token', token }, origin);
    }, mine.token);
    const panel = page.frameLocator('iframe').first();
    await expect.poll(() => panel.locator('#title').textContent()).toBe('Hi Hal Browser, verify your identity');
  });
});
