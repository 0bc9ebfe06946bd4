import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { request } from '../helpers/http.js';

/** What `npm start` gives a new user: the seeded demo tenant and its shop page, end to end. */
describe('the demo shop', () => {
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-demo-'));
    const config = loadConfig({ port: '0', host: '127.0.0.1', db: join(dir, 'tessera.db') }, {});
    server = await startServer(config, createLogger('silent'));
    port = Number(new URL(server.url).port);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds the demo tenant with its own origin and a default template', async () => {
    const tenant = (await server.services.tenants.findByName('demo'))!;
    expect(tenant.embedOrigins).toEqual([`http://demo.localhost:${port}`]);
    const templates = await server.services.verifications.listTemplates(tenant);
    expect(templates).toMatchObject([{ name: 'Shop checkout', isDefault: true, methodIds: [1, 2, 3, 8] }]);
  });

  it('opens the embed from the shop page and follows the simulated backend to completion', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    await page.goto(`http://demo.localhost:${port}/demo`);
    await page.click('#verify');
    const panel = page.frameLocator('#embed iframe');
    await expect.poll(() => panel.locator('#title').textContent()).toBe('Hi Ada Lovelace, verify your identity');
    expect(await panel.locator('.item .name').allTextContents()).toEqual(['Email', 'Phone', 'Document', 'Geolocation']);

    await page.click('#backend button[data-method="2"][data-state="processing"]');
    await expect.poll(() => panel.locator('[data-method="2"] .badge').textContent()).toBe('Processing');
    await expect.poll(() => page.locator('#events').textContent()).toContain('onStateChange Phone -> Processing');
    await page.click('#backend button[data-method="1"][data-state="complete"]');
    await expect.poll(() => panel.locator('[data-method="1"] .badge').textContent()).toBe('Complete');
    await page.screenshot({ path: artifactPath('demo.png') });

    for (const method of [2, 3, 8]) await page.click(`#backend button[data-method="${method}"][data-state="complete"]`);
    await expect.poll(() => page.locator('#events').textContent()).toContain('onComplete');
    await page.close();
  });

  it('exists only on the demo tenant', async () => {
    await server.services.tenants.create('shop');
    expect((await request(port, '/demo', { host: `shop.localhost:${port}` })).status).toBe(404);
    expect((await request(port, '/demo/session', { method: 'POST', host: `shop.localhost:${port}` })).status).toBe(404);
    expect((await request(port, '/demo', { host: `demo.localhost:${port}` })).status).toBe(200);
  });
});
