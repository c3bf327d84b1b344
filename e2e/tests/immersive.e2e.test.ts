// The viewer in an emulated headset (IWER) and on a desktop: which half of the frame each eye sees, where the
// camera's front is (also on the camera's lowest layer), recentering, and drag-to-look, all read back from
// rendered pixels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { untilPicture } from '../support/screenshots.js';
import { startService, type RunningService } from '../support/service.js';
import {
  endSession,
  inSession,
  installHeadset,
  pressButton,
  setButton,
  turnHead,
} from '../support/xr-emulator.js';
import { leftHalf, markerCentre, redMinusBlue, rightHalf } from '../support/pixels.js';
import { expectFrontAhead, leftRedRightBlue, monoWithFront } from '../support/eyes.js';
import { receivedWidth } from '../support/webrtc.js';

const ROOM = 'e2e-immersive';

let service: RunningService;
let browser: Browser;
let camera: Page;

async function setProjection(projection: string): Promise<void> {
  await camera.getByTestId('projection').selectOption(projection);
}

beforeAll(async () => {
  service = await startService({});
  browser = await launchBrowser();
  ({ page: camera } = await newPage(browser));
  await camera.goto(`${service.url}/camera/${ROOM}`);
  await camera.getByTestId('video-source').selectOption('pattern');
  await camera.getByTestId('resolution').selectOption({ label: 'SD 1280×640' });
  await setProjection('stereo-360-tb');
  await camera.getByRole('button', { name: 'Go live' }).click();
  await camera.locator('main[data-status="live"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('in a headset (IWER, Quest 3 profile, both eyes side by side)', () => {
  let viewer: Page;

  it('offers Enter VR and starts an immersive session', async () => {
    const { context, page } = await newPage(browser);
    await installHeadset(context);
    viewer = page;
    await viewer.goto(`${service.url}/watch/${ROOM}`);
    await viewer.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
    await viewer.getByRole('button', { name: 'Enter VR' }).click();
    await expect.poll(() => inSession(viewer)).toBe(true);
  });

  it('stereo top-bottom: the left eye sees only the top half, the right eye only the bottom', async () => {
    expect(await viewer.locator('main').getAttribute('data-projection')).toBe('stereo-360-tb');
    const p = await untilPicture(viewer, 'xr-stereo-tb', (p) => redMinusBlue(p, leftHalf(p)) > 25);
    const left = redMinusBlue(p, leftHalf(p));
    const right = redMinusBlue(p, rightHalf(p));
    console.log(`[xr] stereo-360-tb: left eye R-B ${left.toFixed(1)}, right eye R-B ${right.toFixed(1)}`);
    expect(left).toBeGreaterThan(25); // red tint: the top (left-eye) picture
    expect(right).toBeLessThan(-25); // blue tint: the bottom (right-eye) picture
  });

  it('swapped halves go to the other eyes', async () => {
    await camera.getByLabel('Eyes swapped (right eye on top / left)').check();
    const p = await untilPicture(viewer, 'xr-stereo-tb-swapped', (p) => redMinusBlue(p, leftHalf(p)) < -25);
    expect(redMinusBlue(p, leftHalf(p))).toBeLessThan(-25);
    expect(redMinusBlue(p, rightHalf(p))).toBeGreaterThan(25);
    await camera.getByLabel('Eyes swapped (right eye on top / left)').uncheck();
  });

  it('stereo side-by-side: left eye left half, right eye right half', async () => {
    await setProjection('stereo-360-sbs');
    const p = await untilPicture(viewer, 'xr-stereo-sbs', leftRedRightBlue);
    expect(redMinusBlue(p, leftHalf(p))).toBeGreaterThan(25);
    expect(redMinusBlue(p, rightHalf(p))).toBeLessThan(-25);
  });

  it('mono: both eyes see the same picture, with the front straight ahead', async () => {
    await setProjection('mono-360');
    const p = await untilPicture(viewer, 'xr-mono', monoWithFront);
    expect(Math.abs(redMinusBlue(p, leftHalf(p)) - redMinusBlue(p, rightHalf(p)))).toBeLessThan(5);
    expectFrontAhead(p, 'front marker visible');
  });

  it('on the lowest layer (Low chosen) each eye still gets its half, and the front stays ahead', async () => {
    // The camera sends 320, 640 and 1280 px layers; the headset's Low choice takes the 320 px one.
    await viewer.getByTestId('quality').selectOption('low');
    await expect.poll(() => receivedWidth(viewer), { timeout: 10_000 }).toBe(320);
    await setProjection('stereo-360-tb');
    const tb = await untilPicture(viewer, 'xr-low-stereo-tb', leftRedRightBlue);
    expect(redMinusBlue(tb, leftHalf(tb))).toBeGreaterThan(25);
    expect(redMinusBlue(tb, rightHalf(tb))).toBeLessThan(-25);
    await setProjection('mono-360');
    const mono = await untilPicture(viewer, 'xr-low-mono', monoWithFront);
    expectFrontAhead(mono, 'front marker visible on the lowest layer');
    expect(await receivedWidth(viewer)).toBe(320);
    await viewer.getByTestId('quality').selectOption('auto');
    await expect.poll(() => receivedWidth(viewer), { timeout: 15_000 }).toBe(1280);
  });

  it('after a head turn, Recenter (A button) brings the front back to the centre', async () => {
    await turnHead(viewer, 60);
    const turned = await untilPicture(viewer, 'xr-turned', (p) => {
      const m = markerCentre(p, 'magenta', leftHalf(p));
      return m === undefined || m.x > leftHalf(p).width * 0.75;
    });
    const off = markerCentre(turned, 'magenta', leftHalf(turned));
    expect(off === undefined || off.x > leftHalf(turned).width * 0.75, 'front moved away with the head').toBe(
      true,
    );

    await pressButton(viewer, 'right', 'a-button');
    const recentred = await untilPicture(viewer, 'xr-recentred', (p) => {
      const m = markerCentre(p, 'magenta', leftHalf(p));
      return m !== undefined && Math.abs(m.x - leftHalf(p).width / 2) < leftHalf(p).width * 0.08;
    });
    for (const eye of [leftHalf(recentred), rightHalf(recentred)]) {
      const front = markerCentre(recentred, 'magenta', eye);
      expect(front, 'front marker visible after recenter').toBeDefined();
      expect(Math.abs(front!.x - eye.width / 2)).toBeLessThan(eye.width * 0.08);
    }
  });

  it('squeezing a controller is push-to-talk: the camera page hears the viewer while it is held', async () => {
    const state = () => camera.locator('.audience li').first().getAttribute('data-talkback');
    await setButton(viewer, 'left', 'squeeze', 1);
    await expect.poll(state, { timeout: 15_000 }).toBe('live');
    // The page shows it too (its own state may land a moment after the room's).
    await expect.poll(() => viewer.getByTestId('talk').getAttribute('data-on')).toBe('true');
    await setButton(viewer, 'left', 'squeeze', 0);
    await expect.poll(state).toBe('muted');
  });

  it('leaving the session returns to the page', async () => {
    await endSession(viewer);
    await expect.poll(() => inSession(viewer)).toBe(false);
    await viewer.getByRole('button', { name: 'Enter VR' }).waitFor();
    expect(await viewer.locator('main').getAttribute('data-phase')).toBe('live');
  });
});

describe('on a desktop (no WebXR)', () => {
  let viewer: Page;

  it('says VR needs a headset, and starts with the front in the centre', async () => {
    await setProjection('mono-360');
    ({ page: viewer } = await newPage(browser));
    await viewer.goto(`${service.url}/watch/${ROOM}`);
    await viewer.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
    await viewer.getByTestId('no-vr').waitFor();
    expect(await viewer.getByRole('button', { name: 'Enter VR' }).count()).toBe(0);
    const p = await untilPicture(viewer, 'desktop-mono', (p) => markerCentre(p, 'magenta') !== undefined);
    const front = markerCentre(p, 'magenta');
    expect(front).toBeDefined();
    expect(Math.abs(front!.x - p.width / 2)).toBeLessThan(p.width * 0.05);
  });

  it('a drag of half the canvas width turns the view by half the horizontal field of view', async () => {
    const box = (await viewer.locator('canvas').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 3];
    await viewer.mouse.move(cx - box.width / 4, cy);
    await viewer.mouse.down();
    await viewer.mouse.move(cx + box.width / 4, cy, { steps: 12 });
    await viewer.mouse.up();

    // The blue marker sits 45° left of the front; where it lands on screen gives the yaw actually rendered.
    const p = await untilPicture(viewer, 'desktop-dragged', (p) => markerCentre(p, 'blue') !== undefined);
    const blue = markerCentre(p, 'blue');
    expect(blue, 'the 45°-left marker is in view').toBeDefined();
    const vFov = (75 * Math.PI) / 180;
    const hFov = 2 * Math.atan(Math.tan(vFov / 2) * (box.width / box.height));
    const focal = box.width / 2 / Math.tan(hFov / 2);
    const yaw = 45 + (Math.atan((blue!.x - p.width / 2) / focal) * 180) / Math.PI;
    const expected = (hFov / 2) * (180 / Math.PI);
    console.log(`[desktop] drag of half the width: yaw ${yaw.toFixed(1)}°, expected ${expected.toFixed(1)}°`);
    expect(Math.abs(yaw - expected)).toBeLessThan(3);
  });

  it('Recenter brings the front back', async () => {
    await viewer.getByRole('button', { name: 'Recenter' }).click();
    const p = await untilPicture(viewer, 'desktop-recentred', (p) => {
      const m = markerCentre(p, 'magenta');
      return m !== undefined && Math.abs(m.x - p.width / 2) < p.width * 0.05;
    });
    expect(Math.abs(markerCentre(p, 'magenta')!.x - p.width / 2)).toBeLessThan(p.width * 0.05);
  });

  it('a stereo stream shows the left eye picture on a desktop', async () => {
    await setProjection('stereo-360-tb');
    const p = await untilPicture(
      viewer,
      'desktop-stereo-tb',
      (p) => redMinusBlue(p, { x: 0, y: 0, width: p.width, height: p.height * 0.8 }) > 25,
    );
    expect(
      redMinusBlue(p, { x: 0, y: 0, width: p.width, height: Math.floor(p.height * 0.8) }),
    ).toBeGreaterThan(25);
  });
});
