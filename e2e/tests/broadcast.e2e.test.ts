// The walking skeleton end to end: one camera page, three viewer pages, real Chromium, real SFU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';
import { selectedPairs, srtpCiphers, waitFor, waitForMediaFlow } from '../support/webrtc.js';
import { changedFraction, contrast, decodePicture } from '../support/pixels.js';

const ROOM = 'e2e-broadcast';
const RTC_PORT = 41000;
const WORKERS = 2;
/** Two viewers per worker: the third is placed on the other worker, fed through a pipe. */
const VIEWERS_PER_WORKER = 2;

let service: RunningService;
let browser: Browser;
let camera: Page;
const viewers: Page[] = [];

const phase = (page: Page) => page.locator('main').getAttribute('data-phase');
const canvasPicture = async (page: Page) => decodePicture(await page.locator('canvas').screenshot());

beforeAll(async () => {
  service = await startService({
    RTC_PORT: String(RTC_PORT),
    MEDIASOUP_WORKERS: String(WORKERS),
    ROOM_VIEWERS_PER_WORKER: String(VIEWERS_PER_WORKER),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function openCamera(page: Page): Promise<void> {
  await page.goto(`${service.url}/camera/${ROOM}`);
  // The fake device is a real camera to the page; choose the built-in test pattern at a light size.
  await page.getByTestId('video-source').selectOption('pattern');
  await page.getByTestId('resolution').selectOption({ label: 'SD 1280×640' });
}

async function expectAllDecodingAgain(why: string) {
  for (const [i, page] of viewers.entries()) {
    await expect.poll(() => phase(page), { timeout: 15_000 }).toBe('live');
    await waitForMediaFlow(page, `viewer ${i + 1} decoding after ${why}`);
  }
}

async function goLive(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Go live' }).click();
  await page.locator('main[data-status="live"]').waitFor({ timeout: 20_000 });
}

describe('one camera, three viewers', () => {
  it('camera goes live with the test pattern', async () => {
    ({ page: camera } = await newPage(browser));
    await openCamera(camera);
    // The page lists the devices (one getUserMedia for their names), then opens the chosen microphone: on
    // Chromium 156 its first samples come ~1 s after the page loads, past expect.poll's default second.
    await expect
      .poll(() => camera.getByTestId('mic-level').evaluate((m: HTMLMeterElement) => m.value), {
        timeout: 5000,
      })
      .toBeGreaterThan(0);
    await goLive(camera);
  });

  it('three viewers decode video, receive audio and render the sphere', async () => {
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const { page } = await newPage(browser);
      viewers.push(page);
      await page.goto(`${service.url}/watch/${ROOM}`);
    }
    for (const [i, page] of viewers.entries()) {
      await page.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
      const marks = await page.evaluate(() => ({
        joined: performance.getEntriesByName('inclubit:joined')[0]?.startTime,
        firstFrame: performance.getEntriesByName('inclubit:first-frame')[0]?.startTime,
      }));
      await waitFor(
        () => page.evaluate(() => performance.getEntriesByName('inclubit:first-frame').length),
        (n) => n > 0,
        {
          what: `viewer ${i + 1} first frame`,
        },
      );
      const firstFrame = await page.evaluate(
        () => performance.getEntriesByName('inclubit:first-frame')[0]!.startTime,
      );
      console.log(
        `[ttff] viewer ${i + 1}: join→first frame ${Math.round(firstFrame - (marks.joined ?? 0))} ms, ` +
          `page load→first frame ${Math.round(firstFrame)} ms`,
      );
    }
    console.log(`[ttff] all three viewers live ${Date.now() - started} ms after the first page opened`);

    const viewerPorts: number[] = [];
    for (const [i, page] of viewers.entries()) {
      const flow = await waitForMediaFlow(page, `viewer ${i + 1} decoding`);
      expect(flow.frameWidth).toBe(1280);
      expect(flow.frameHeight).toBe(640);

      // Media flows through the WebRtcServer's single port of one of the workers.
      const ports = (await selectedPairs(page)).map((p) => p.remotePort ?? 0);
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(RTC_PORT);
        expect(port).toBeLessThan(RTC_PORT + WORKERS);
      }
      viewerPorts.push(ports[0]!);
      // mediasoup offers AES-GCM first in DTLS-SRTP and Chromium takes it: the cheaper cipher per viewer.
      expect(await srtpCiphers(page)).toEqual(['SRTP_AEAD_AES_256_GCM']);

      const first = await canvasPicture(page);
      expect(contrast(first), `viewer ${i + 1} canvas is blank`).toBeGreaterThan(15);
      await page.waitForTimeout(700);
      const second = await canvasPicture(page);
      expect(changedFraction(first, second), `viewer ${i + 1} canvas is frozen`).toBeGreaterThan(0.0005);
    }
    // The room spread: two viewers on the camera's worker, the third on the other one (its own port), and
    // that one decodes too — the camera's tracks reached it through the pipe between workers. Which viewer
    // is third is whichever asked for its transport last: the pages load in order but connect in a race.
    const home = (await selectedPairs(camera))[0]?.remotePort;
    expect(home).toBeGreaterThanOrEqual(RTC_PORT);
    expect(viewerPorts.filter((p) => p === home)).toHaveLength(2);
    expect(viewerPorts.filter((p) => p !== home)).toHaveLength(1);
    expect(service.logs.some((l) => l.includes('room spread to another worker'))).toBe(true);
  });

  it('viewers show the waiting state when the camera stops', async () => {
    await camera.getByRole('button', { name: 'Stop' }).click();
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('waiting');
    expect(await viewers[0]!.getByRole('status').textContent()).toContain('Waiting for the camera');
  });

  it('all three decode again, without a reload, when the camera goes live again', async () => {
    const navigations = await Promise.all(
      viewers.map((p) => p.evaluate(() => performance.getEntriesByType('navigation').length)),
    );
    await goLive(camera);
    await expectAllDecodingAgain('the camera came back');
    for (const [i, page] of viewers.entries()) {
      // Same document: the page resumed by itself.
      expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(
        navigations[i],
      );
      expect(await page.evaluate(() => performance.getEntriesByName('inclubit:first-frame').length)).toBe(2);
    }
  });

  it('all three resume on their own when the camera page is reloaded', async () => {
    await openCamera(camera); // a fresh document: the old one's connection is dropped by the browser
    await goLive(camera);
    await expectAllDecodingAgain('the camera page reloaded');
  });
});
