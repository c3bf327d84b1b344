// The viewer page's own controls: sound when autoplay is blocked, the stats overlay, a projection override,
// and the installable app shell that opens offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';

const ROOM = 'e2e-viewer-page';
let service: RunningService;
let browser: Browser;

/**
 * Headset and phone browsers refuse to start sound without a tap. Desktop Chromium lets WebRTC streams play
 * with sound regardless (and reports user activation for automated pages), so this page gets the headset's
 * rule: play() with sound is refused until the user has pressed something on the page. (A stand-in for the
 * browser's policy; the page's fallback is what is tested.)
 */
const headsetAutoplayPolicy = () => {
  let gesture = false;
  addEventListener('pointerdown', (e) => (gesture ||= e.isTrusted), true);
  const nativePlay = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'play')?.value as (
    this: HTMLMediaElement,
  ) => Promise<void>;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (!this.muted && !gesture) {
      return Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
    }
    return nativePlay.call(this);
  };
};

beforeAll(async () => {
  service = await startService({});
  browser = await launchBrowser({ autoplay: false });
  const { page: camera } = await newPage(browser);
  await camera.goto(`${service.url}/camera/${ROOM}`);
  await camera.getByTestId('video-source').selectOption('pattern');
  await camera.getByTestId('resolution').selectOption({ label: 'SD 1280×640' });
  await camera.getByTestId('projection').selectOption('stereo-360-sbs');
  await camera.getByRole('button', { name: 'Go live' }).click();
  await camera.locator('main[data-status="live"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const sink = (page: Page) =>
  page
    .locator('video.media-sink')
    .evaluate((v: HTMLVideoElement) => ({ muted: v.muted, paused: v.paused, volume: v.volume }));

describe('viewer page', () => {
  let viewer: Page;

  it('plays muted when autoplay is blocked, and "Tap for sound" turns the sound on', async () => {
    const opened = await newPage(browser);
    await opened.context.addInitScript(headsetAutoplayPolicy);
    viewer = opened.page;
    await viewer.goto(`${service.url}/watch/${ROOM}`);
    await viewer.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
    const tap = viewer.getByRole('button', { name: 'Tap for sound' });
    await tap.waitFor();
    expect(await sink(viewer)).toMatchObject({ muted: true, paused: false });
    await tap.click();
    await expect.poll(async () => (await sink(viewer)).muted).toBe(false);
    expect(await tap.count()).toBe(0);
  });

  it('has volume and mute controls', async () => {
    await viewer.getByLabel('volume').fill('0.3');
    await expect.poll(async () => (await sink(viewer)).volume).toBeCloseTo(0.3);
    await viewer.getByRole('button', { name: 'Mute' }).click();
    await expect.poll(async () => (await sink(viewer)).muted).toBe(true);
    await viewer.getByRole('button', { name: 'Unmute' }).click();
    await expect.poll(async () => (await sink(viewer)).muted).toBe(false);
  });

  it('shows the stats overlay with live figures and the renderer in use', async () => {
    await viewer.getByRole('button', { name: 'Stats' }).click();
    const stats = viewer.getByTestId('stats');
    await expect.poll(() => stats.textContent(), { timeout: 10_000 }).toMatch(/1280×640/);
    await expect.poll(() => stats.textContent(), { timeout: 10_000 }).toMatch(/Frame rate\s*[1-9]\d* fps/);
    await expect
      .poll(() => stats.textContent(), { timeout: 10_000 })
      .toMatch(/Bitrate\s*0\.0*[1-9]|Bitrate\s*[1-9]/);
    const text = (await stats.textContent()) ?? '';
    for (const label of ['Packet loss', 'Round trip', 'Jitter buffer']) expect(text).toContain(label);
    // No WebXR media layers in desktop Chromium: the sphere draws the video.
    expect(text).toContain('stereo-360-sbs');
    expect(text).toContain('sphere texture');
  });

  it('draws on demand: once per video frame, nothing while the picture is still, at once when the view turns', async () => {
    // Counts the canvas's draws (three.js clears the canvas once per draw) and the frames the video presents.
    await viewer.evaluate(() => {
      const w = window as unknown as { __draws: number; __frames: number };
      w.__draws = w.__frames = 0;
      const proto = WebGL2RenderingContext.prototype;
      const clear = Object.getOwnPropertyDescriptor(proto, 'clear')?.value as (mask: number) => void;
      proto.clear = function (this: WebGL2RenderingContext, mask: number) {
        w.__draws++;
        clear.call(this, mask);
      };
      const video = document.querySelector<HTMLVideoElement>('video.media-sink')!;
      const presented = () => {
        w.__frames++;
        video.requestVideoFrameCallback(presented);
      };
      video.requestVideoFrameCallback(presented);
    });
    const counted = () =>
      viewer.evaluate(() => {
        const w = window as unknown as { __draws: number; __frames: number };
        const counts = { draws: w.__draws, frames: w.__frames };
        w.__draws = w.__frames = 0;
        return counts;
      });
    const video = viewer.locator('video.media-sink');

    await counted();
    await viewer.waitForTimeout(3000);
    const live = await counted();
    console.log(`[viewer] in 3 s: ${live.frames} video frames presented, ${live.draws} draws`);
    expect(live.frames).toBeGreaterThan(15);
    // Never more draws than frames (drawing per display refresh would draw pictures already shown).
    expect(live.draws).toBeLessThanOrEqual(live.frames + 2);

    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await viewer.waitForTimeout(300);
    await counted();
    await viewer.waitForTimeout(2000);
    expect((await counted()).draws).toBe(0);

    const before = await viewer.locator('canvas').screenshot();
    await viewer.keyboard.press('ArrowLeft');
    await viewer.waitForTimeout(300);
    expect((await counted()).draws).toBeGreaterThan(0);
    expect((await viewer.locator('canvas').screenshot()).equals(before)).toBe(false);
    await video.evaluate((v: HTMLVideoElement) => v.play());
  });

  it('lets the viewer override the announced projection', async () => {
    const main = viewer.locator('main');
    expect(await main.getAttribute('data-projection')).toBe('stereo-360-sbs');
    await viewer.getByTestId('projection-override').selectOption('mono-360');
    expect(await main.getAttribute('data-projection')).toBe('mono-360');
    await viewer.getByTestId('projection-override').selectOption('');
    expect(await main.getAttribute('data-projection')).toBe('stereo-360-sbs');
  });
});

describe('installable app', () => {
  it('serves a manifest with icons', async () => {
    const res = await fetch(`${service.url}/manifest.webmanifest`);
    expect(res.ok).toBe(true);
    const manifest = (await res.json()) as {
      icons: { src: string; sizes: string }[];
      display: string;
      start_url: string;
    };
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) expect((await fetch(`${service.url}${icon.src}`)).ok).toBe(true);
  });

  it('opens the app shell offline once visited', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(`${service.url}/watch/${ROOM}`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload(); // now controlled by the service worker, which caches what the page loads
    await page.locator('main[data-phase]').waitFor();
    await context.setOffline(true);
    await page.goto(`${service.url}/watch/${ROOM}`);
    // The page itself renders (no browser error page); the stream of course waits for the network.
    await expect
      .poll(() => page.locator('main').getAttribute('data-phase'), { timeout: 15_000 })
      .toMatch(/connecting|reconnecting/);
    await context.setOffline(false);
  });
});
