// The service reached directly (no Caddy in front), used by real browsers with real tokens: every page it
// serves carries its own security headers and its Content-Security-Policy blocks nothing the app does; and
// after camera, viewer and operator tokens were used, none of them (nor its signature) is in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cspViolations, launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { operatorLinks } from '../support/network-stage.js';
import { startService, type RunningService } from '../support/service.js';
import { openViewer } from '../support/viewer.js';

const PASSWORD = 'security-test-operator-password';
let service: RunningService;
let browser: Browser;
const pages: Page[] = [];
const used: string[] = [];

beforeAll(async () => {
  service = await startService({
    TOKEN_SECRET: 'security-e2e-secret-long-enough-0123456789',
    OPERATOR_PASSWORD: PASSWORD,
    ROOM_ACCESS: 'protected',
    LOG_LEVEL: 'debug',
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('the service on its own', () => {
  it('serves every page with its security headers, and the CSP blocks nothing the app does', async () => {
    const links = await operatorLinks(service.url, PASSWORD, 'secure');
    const operator = links.operator;
    used.push(
      operator,
      new URL(links.camera).searchParams.get('t')!,
      new URL(links.viewer).searchParams.get('t')!,
    );

    for (const path of ['/', '/watch/secure', '/camera/secure', '/dashboard']) {
      const res = await fetch(`${service.url}${path}`);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }

    // Real pages with real tokens: the camera live, a viewer decoding, the operator's dashboard.
    const camera = await startCamera(browser, links.camera);
    const viewer = await openViewer(browser, links.viewer);
    const { page: dashboard } = await newPage(browser);
    await dashboard.goto(`${service.url}/dashboard?t=${operator}`);
    await dashboard.locator('[data-testid="rooms"] tr[data-room="secure"]').waitFor({ timeout: 15_000 });
    const { page: home } = await newPage(browser);
    await home.goto(`${service.url}/`);
    pages.push(camera, viewer, dashboard, home);
    for (const page of pages) expect(await cspViolations(page), page.url()).toEqual([]);
  });

  it('keeps every token it was given out of its log', async () => {
    expect(used).toHaveLength(3);
    // The dashboard's link token was taken off the address bar; the pages' sockets carried theirs.
    const log = service.logs.join('\n');
    expect(log).toContain('"url":"/dashboard?t=[redacted]"');
    for (const token of used) {
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.split('.')[2]);
    }
  });
});
