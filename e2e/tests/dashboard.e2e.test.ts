// The operator's dashboard against a live room: what it shows, what its actions do, and /metrics agreeing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { metric as readMetric } from '../support/metrics.js';
import { decodePicture } from '../support/pixels.js';
import { launchBrowser, newPage } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';
import { startCamera } from '../support/camera.js';
import { overlayDots } from '../support/presence.js';
import { waitForMediaFlow } from '../support/webrtc.js';
import { pipelines, startWhipClient } from '../support/whip-client.js';
import { makeClip, startEncoder } from '../support/encoder.js';
import { hashPassword } from '../../sfu/src/auth/password.js';
import { readQr } from '../../sfu/src/test-support/qr.js';

const ROOM = 'e2e-dashboard';
const PASSWORD = 'dashboard test password';
const shots = path.resolve(import.meta.dirname, '../../test-results/screenshots');

let service: RunningService;
let browser: Browser;
let dashboard: Page;
const viewers: Page[] = [];

const metric = (name: string, labels: Record<string, string> = {}) => readMetric(service.url, name, labels);

const row = (room: string) => dashboard.locator(`[data-testid="rooms"] tr[data-room="${room}"]`);

beforeAll(async () => {
  service = await startService({ OPERATOR_PASSWORD_HASH: await hashPassword(PASSWORD) });
  browser = await launchBrowser();
  await startCamera(browser, `${service.url}/camera/${ROOM}`);
  for (let i = 0; i < 2; i++) {
    const { page } = await newPage(browser);
    await page.goto(`${service.url}/watch/${ROOM}`);
    await page.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
    viewers.push(page);
  }
  for (const v of viewers) await waitForMediaFlow(v, 'viewer before the dashboard');
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('operator dashboard', () => {
  it('refuses a non-operator: a viewer link to /dashboard lands on the login form', async () => {
    const { page } = await newPage(browser);
    const links = await fetch(`${service.url}/api/token?token=x`);
    expect(links.status).toBe(401);
    await page.goto(`${service.url}/dashboard`);
    await page.getByRole('heading', { name: 'Operator login' }).waitFor();
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('wrong password').waitFor();
    await page.context().close();
  });

  it('shows the room live with two viewers and non-zero bitrates within 5 s', async () => {
    ({ page: dashboard } = await newPage(browser));
    await dashboard.setViewportSize({ width: 1100, height: 900 });
    await dashboard.goto(`${service.url}/dashboard`);
    await dashboard.getByLabel('Password').fill(PASSWORD);
    const opened = Date.now();
    await dashboard.getByRole('button', { name: 'Log in' }).click();
    await row(ROOM).waitFor();
    await expect.poll(() => row(ROOM).locator('td').nth(1).textContent(), { timeout: 5000 }).toBe('live');
    await expect.poll(() => row(ROOM).getByTestId('viewer-count').textContent(), { timeout: 5000 }).toBe('2');
    const detail = dashboard.getByTestId('room-detail');
    expect(await detail.getByTestId('camera-source').textContent()).toBe('camera page');
    await expect
      .poll(async () => (await detail.getByTestId('viewer-bitrate').allTextContents()).map(parseFloat), {
        timeout: 5000,
      })
      .toEqual([expect.any(Number), expect.any(Number)]);
    await expect
      .poll(
        async () =>
          (await detail.getByTestId('viewer-bitrate').allTextContents()).every((t) => parseFloat(t) > 0),
        {
          timeout: 5000,
        },
      )
      .toBe(true);
    expect(parseFloat((await detail.getByTestId('egress').textContent()) ?? '0')).toBeGreaterThan(0);
    console.log(
      `[dashboard] live room with 2 viewers and bitrates shown ${Date.now() - opened} ms after login`,
    );
    await dashboard.waitForTimeout(2500); // a few chart samples and the camera's reported resolution
    fs.mkdirSync(shots, { recursive: true });
    await dashboard.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });
  });

  it('shows where the viewers look, and cues the room from there', async () => {
    const overlay = dashboard.getByTestId('room-detail').getByTestId('presence-overlay');
    const dots = () => overlayDots(overlay);
    // Both viewer pages share by default and look at the front.
    await expect.poll(async () => (await dots()).length, { timeout: 5000 }).toBe(2);
    for (const d of await dots()) expect(Math.abs(d.yaw) + Math.abs(d.pitch)).toBeLessThan(3);
    const frame = dashboard.getByTestId('room-detail').getByTestId('presence-frame');
    const box = (await frame.boundingBox())!;
    await frame.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
    const progress = dashboard.getByTestId('room-detail').getByTestId('cue-progress');
    await expect.poll(() => progress.getAttribute('data-of'), { timeout: 5000 }).toBe('2');
    expect(await progress.getAttribute('data-seen')).toBe('0');
  });

  it('removes a viewer: the page says so and stays out, the SFU frees it, the dashboard shows one', async () => {
    expect(await metric('inclubit_peers', { role: 'viewer' })).toBe(2);
    expect(await metric('inclubit_consumers')).toBe(4);
    expect(await metric('inclubit_rooms')).toBe(1);
    await dashboard.getByTestId('room-detail').getByRole('button', { name: 'Remove' }).first().click();
    await expect
      .poll(async () =>
        (await Promise.all(viewers.map((v) => v.locator('main').getAttribute('data-phase')))).sort(),
      )
      .toEqual(['live', 'removed']);
    await expect.poll(() => row(ROOM).getByTestId('viewer-count').textContent()).toBe('1');
    expect(await metric('inclubit_peers', { role: 'viewer' })).toBe(1);
    expect(await metric('inclubit_consumers')).toBe(2);
    // No automatic rejoin.
    await dashboard.waitForTimeout(3000);
    expect(await metric('inclubit_peers', { role: 'viewer' })).toBe(1);
    const texts = await Promise.all(viewers.map((v) => v.locator('main').textContent()));
    expect(texts.some((t) => t?.includes('You were removed'))).toBe(true);
  });

  it('creates a room whose viewer link (and its QR code) joins that room', async () => {
    await dashboard.getByLabel('new room code').fill('e2e-created');
    await dashboard.getByRole('button', { name: 'Create links' }).click();
    const viewerLink = dashboard.getByTestId('viewer-link');
    await viewerLink.locator('img').waitFor();
    const url = (await viewerLink.locator('a').getAttribute('href'))!;
    expect(new URL(url).pathname).toBe('/watch/e2e-created');

    const qr = decodePicture(await viewerLink.locator('img').screenshot());
    const rgba = new Uint8ClampedArray(qr.rgba.buffer, qr.rgba.byteOffset, qr.rgba.byteLength);
    expect(readQr(rgba, qr.width, qr.height)).toBe(url);

    const { page } = await newPage(browser);
    await page.goto(url);
    await expect
      .poll(() => page.locator('main').getAttribute('data-phase'), { timeout: 10_000 })
      .toBe('waiting');
    await row('e2e-created').waitFor();
    expect(await metric('inclubit_rooms')).toBe(2);

    // The same card gives an encoder what it needs: a WHIP client publishes with just those two values.
    const whipUrl = (await dashboard.getByTestId('whip-url').textContent())!;
    expect(whipUrl).toBe(`${service.url}/whip/e2e-created`);
    expect(await dashboard.getByTestId('whep-url').textContent()).toBe(`${service.url}/whep/e2e-created`);
    const encoder = await startWhipClient({
      url: whipUrl,
      token: (await dashboard.getByTestId('whip-token').textContent())!,
      ...pipelines('h264', 640, 320),
    });
    try {
      await waitForMediaFlow(page, 'viewer of the encoder');
      await row('e2e-created').click();
      const detail = dashboard.getByTestId('room-detail');
      await expect.poll(() => detail.getAttribute('data-room')).toBe('e2e-created');
      await expect.poll(() => detail.getByTestId('camera-source').textContent()).toBe('WHIP encoder');
    } finally {
      await encoder.stop();
    }
    await expect
      .poll(() => page.locator('main').getAttribute('data-phase'), { timeout: 10_000 })
      .toBe('waiting');

    // An RTMP camera with the card's one-field URL, its picture laid out as the card's setting says.
    await dashboard.getByLabel('encoder projection').selectOption('stereo-360-tb');
    await expect.poll(() => dashboard.getByLabel('encoder projection').inputValue()).toBe('stereo-360-tb');
    const rtmpUrl = (await dashboard.getByTestId('rtmp-full-url').textContent())!;
    expect(rtmpUrl).toMatch(/^rtmp:\/\/localhost:\d+\/live\/e2e-created\/[\w-]{20,}$/);
    expect(await dashboard.getByTestId('srt-url').textContent()).toMatch(
      /^srt:\/\/localhost:\d+\?streamid=e2e-created:[\w-]{20,}$/,
    );
    const clip = await makeClip('baseline', '640x320');
    const rtmp = startEncoder(rtmpUrl.replace('//localhost:', '//127.0.0.1:'), clip);
    try {
      await waitForMediaFlow(page, 'viewer of the RTMP camera');
      expect(await page.locator('main').getAttribute('data-projection')).toBe('stereo-360-tb');
      const detail = dashboard.getByTestId('room-detail');
      await expect.poll(() => detail.getByTestId('camera-source').textContent()).toBe('RTMP encoder');
      await expect.poll(() => detail.getByTestId('camera-codec').textContent()).toBe('H264 (copied as sent)');
    } finally {
      await rtmp.stop();
    }

    // A new key: the old one is refused from now on.
    await dashboard.getByTestId('new-key').click();
    await expect.poll(() => dashboard.getByTestId('rtmp-full-url').textContent()).not.toBe(rtmpUrl);
    const refused = await startEncoder(rtmpUrl.replace('//localhost:', '//127.0.0.1:'), clip).exited;
    expect(refused.stderr).toContain('wrong stream key');
  });
});
