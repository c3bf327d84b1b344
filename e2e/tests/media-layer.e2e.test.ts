// The viewer in an emulated headset whose session offers WebXR layers (IWER with its layers polyfill, which
// composites the layers in the page the way a headset's compositor does): the video on an equirect media
// layer around the head — each eye its half of a stereo frame, the front ahead — and the teacher's "look
// here" drawn over it in both eyes, a marker in view and an arrow when behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { expectFrontAhead, leftRedRightBlue, litShare, monoWithFront } from '../support/eyes.js';
import { leftHalf, redMinusBlue, rightHalf } from '../support/pixels.js';
import { cueInEyes, cueProgress, lookHere } from '../support/presence.js';
import { untilPicture } from '../support/screenshots.js';
import { startService, type RunningService } from '../support/service.js';
import { inSession, installHeadset } from '../support/xr-emulator.js';

const ROOM = 'e2e-media-layer';

let service: RunningService;
let browser: Browser;
let camera: Page;
let viewer: Page;

const setProjection = (projection: string) => camera.getByTestId('projection').selectOption(projection);

beforeAll(async () => {
  service = await startService({});
  browser = await launchBrowser();
  camera = await startCamera(browser, `${service.url}/camera/${ROOM}`, {
    projection: 'stereo-360-tb',
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('in a headset with WebXR layers (IWER + layers polyfill, Quest 3 profile)', () => {
  it('draws the video on an equirect media layer', async () => {
    const { context, page } = await newPage(browser);
    await installHeadset(context, { layers: true });
    viewer = page;
    await viewer.goto(`${service.url}/watch/${ROOM}`);
    await viewer.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
    await viewer.getByRole('button', { name: 'Stats' }).click();
    await viewer.getByRole('button', { name: 'Enter VR' }).click();
    await expect.poll(() => inSession(viewer)).toBe(true);
    await expect
      .poll(() => viewer.getByTestId('stats').textContent(), { timeout: 10_000 })
      .toContain('WebXR media layer');
  });

  it('stereo top-bottom: the left eye sees the top half, the right eye the bottom, all around', async () => {
    const p = await untilPicture(viewer, 'layer-stereo-tb', leftRedRightBlue);
    console.log(
      `[layer] stereo-360-tb: R-B left ${redMinusBlue(p, leftHalf(p)).toFixed(1)}, ` +
        `right ${redMinusBlue(p, rightHalf(p)).toFixed(1)}; lit ${litShare(p, 'left').toFixed(2)}, ` +
        `${litShare(p, 'right').toFixed(2)}`,
    );
    expect(redMinusBlue(p, leftHalf(p))).toBeGreaterThan(25);
    expect(redMinusBlue(p, rightHalf(p))).toBeLessThan(-25);
    // The layer is around the head, not a ball somewhere in the room: the picture fills each eye.
    expect(litShare(p, 'left')).toBeGreaterThan(0.8);
    expect(litShare(p, 'right')).toBeGreaterThan(0.8);
  });

  it('mono: both eyes see the same picture, with the front straight ahead', async () => {
    await setProjection('mono-360');
    const p = await untilPicture(viewer, 'layer-mono', monoWithFront);
    expect(Math.abs(redMinusBlue(p, leftHalf(p)) - redMinusBlue(p, rightHalf(p)))).toBeLessThan(5);
    expectFrontAhead(p, 'front marker on the layer');
  });

  it('"look here" in view: the marker over the video, in both eyes', async () => {
    // The session started facing the front: 25° right and 10° up is in view.
    await lookHere(camera, 25, 10);
    await expect.poll(() => cueProgress(camera)).toEqual({ seen: 0, of: 1 });
    const p = await untilPicture(viewer, 'layer-cue-in-view', (p) => cueInEyes(p).every(Boolean));
    const [left, right] = cueInEyes(p);
    console.log(
      `[layer] cue 25° right: left eye ${JSON.stringify(left)}, right eye ${JSON.stringify(right)}`,
    );
    for (const eye of [left, right]) {
      expect(eye, 'the cue in each eye').toBeDefined();
      expect(eye!.x).toBeGreaterThan(0.55);
      expect(eye!.x).toBeLessThan(0.9);
      expect(eye!.y).toBeLessThan(0.5); // above the middle
    }
    // …and the video still all around it: the cue is drawn over the layer, not instead of it.
    expect(litShare(p, 'left')).toBeGreaterThan(0.8);
    expect(litShare(p, 'right')).toBeGreaterThan(0.8);
  });

  it('"look here" behind: the arrow at the left edge, over the video', async () => {
    await lookHere(camera, -150, 0);
    const p = await untilPicture(viewer, 'layer-cue-behind', (p) =>
      cueInEyes(p).every((e) => e !== undefined && e.x < 0.4),
    );
    const eyes = cueInEyes(p);
    console.log(`[layer] cue behind-left: arrow in the eyes at ${JSON.stringify(eyes)}`);
    for (const eye of eyes) {
      expect(eye, 'the arrow in each eye').toBeDefined();
      expect(eye!.x).toBeLessThan(0.4);
    }
    expect(litShare(p, 'left')).toBeGreaterThan(0.8);
  });
});
