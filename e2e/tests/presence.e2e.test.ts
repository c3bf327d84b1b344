// Presence in real Chromium against the real service: an emulated headset's gaze on the camera page (its own
// state and its pixels), recentering, a desktop viewer's drag, sharing turned off, "look here" drawn in the
// headset's eyes (marker in view, arrow when behind) and counted once looked at; on the wire, no viewer
// ever receives another's gaze; the teacher's pointer counts who looks there, and the heat map shows where the
// class has looked; a desktop viewer's and a phone's cue drawn where it points; the camera's own ring of the
// cue gone at its end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { decodePicture, markerCentre, redMinusBlue } from '../support/pixels.js';
import { untilPicture } from '../support/screenshots.js';
import { startService, type RunningService } from '../support/service.js';
import { cueInEyes, cueProgress, lookHere, overlayDots, type Dot } from '../support/presence.js';
import { inSession, installHeadset, lookHead, pressButton } from '../support/xr-emulator.js';

const ROOM = 'e2e-presence';

let service: RunningService;
let browser: Browser;
let camera: Page;

interface Wire {
  sent: string[];
  received: string[];
}

/** A viewer page under `name` (a headset's, a desktop's or a phone's), its WebSocket frames kept both ways. */
async function viewer(
  name: string,
  kind: 'headset' | 'desktop' | 'phone',
): Promise<{ page: Page; wire: Wire }> {
  const { context, page } =
    kind === 'phone'
      ? await newPage(browser, { width: 390, height: 844 }, { isMobile: true, hasTouch: true })
      : await newPage(browser);
  if (kind === 'headset') await installHeadset(context);
  await context.addInitScript((n) => localStorage.setItem('inclubit.displayName', n), name);
  const wire: Wire = { sent: [], received: [] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => wire.sent.push(String(f.payload)));
    ws.on('framereceived', (f) => wire.received.push(String(f.payload)));
  });
  await page.goto(`${service.url}/watch/${ROOM}`);
  await page.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
  return { page, wire };
}

const overlay = () => camera.getByTestId('presence-overlay');
/** The camera page's own state: every dot it draws. */
const dots = () => overlayDots(overlay());
const dotOf = async (name: string) => (await dots()).find((d) => d.name === name);

const yawGap = (a: number, b: number) => Math.abs(((((a - b + 540) % 360) + 360) % 360) - 180);
const near = (d: Dot | undefined, yaw: number, pitch: number, within: number) =>
  d !== undefined && yawGap(d.yaw, yaw) <= within && Math.abs(d.pitch - pitch) <= within;

/** Polls until `name`'s dot is within `within`° of (yaw, pitch); how long that took, ms. */
async function untilDot(name: string, yaw: number, pitch: number, within = 3, timeoutMs = 5000) {
  const started = Date.now();
  for (;;) {
    const d = await dotOf(name);
    if (near(d, yaw, pitch, within)) return { ms: Date.now() - started, dot: d! };
    if (Date.now() - started > timeoutMs)
      throw new Error(`${name}'s dot is at ${JSON.stringify(d)}, not within ${within}° of ${yaw}, ${pitch}`);
    await camera.waitForTimeout(20);
  }
}

/** The overlay's pixels: where the cyan dot is, as yaw and pitch of the (mono 360) frame. */
async function dotInPixels(): Promise<{ yaw: number; pitch: number } | undefined> {
  const p = decodePicture(await overlay().screenshot());
  const c = markerCentre(p, 'cyan');
  return c && { yaw: (c.x / p.width) * 360 - 180, pitch: 90 - (c.y / p.height) * 180 };
}

beforeAll(async () => {
  service = await startService({});
  browser = await launchBrowser();
  camera = await startCamera(browser, `${service.url}/camera/${ROOM}`, {
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('presence', () => {
  let ada: { page: Page; wire: Wire };
  let ben: { page: Page; wire: Wire };
  let cleo: { page: Page; wire: Wire };

  it('draws the teacher’s "look here" on the camera page until the cue ends', async () => {
    // Nobody watches yet, so nothing else redraws the overlay: the ring must go at the cue's end by itself.
    await lookHere(camera, -90, 0);
    const ring = async () => {
      if (!(await overlay().isVisible())) return undefined;
      const p = decodePicture(await overlay().screenshot());
      const c = markerCentre(p, 'lime');
      return c && { yaw: (c.x / p.width) * 360 - 180, pitch: 90 - (c.y / p.height) * 180 };
    };
    await expect.poll(ring).toBeDefined();
    const drawn = (await ring())!;
    expect(yawGap(drawn.yaw, -90)).toBeLessThanOrEqual(3);
    expect(Math.abs(drawn.pitch)).toBeLessThanOrEqual(3);
    const endsAt = Number(await camera.getByTestId('cue-progress').getAttribute('data-ends-at'));
    await camera.waitForTimeout(Math.max(0, endsAt - Date.now()));
    await expect.poll(ring, { timeout: 500 }).toBeUndefined();
  });

  it("shows a headset's gaze on the camera page where it looks, within 500 ms", async () => {
    ada = await viewer('Ada', 'headset');
    await ada.page.getByRole('button', { name: 'Enter VR' }).click();
    await expect.poll(() => inSession(ada.page)).toBe(true);
    await untilDot('Ada', 0, 0);

    await lookHead(ada.page, 90, 10);
    const { ms, dot } = await untilDot('Ada', 90, 10);
    console.log(`[presence] head turned to 90°, 10°: dot at ${dot.yaw}°, ${dot.pitch}° after ${ms} ms`);
    expect(ms).toBeLessThan(500);
    // And drawn there: the cyan dot's pixels, read back as a direction of the frame.
    await expect.poll(dotInPixels).toBeDefined();
    const drawn = (await dotInPixels())!;
    console.log(`[presence] dot drawn at ${drawn.yaw.toFixed(1)}°, ${drawn.pitch.toFixed(1)}°`);
    expect(yawGap(drawn.yaw, 90)).toBeLessThanOrEqual(3);
    expect(Math.abs(drawn.pitch - 10)).toBeLessThanOrEqual(3);
    expect(await camera.locator('.audience li[data-name="Ada"]').getAttribute('data-shares-gaze')).toBe(
      'true',
    );
  });

  it('reports in the picture’s own frame: after a recenter, the part of the picture the headset sees', async () => {
    // Recenter turns the picture so its front is ahead of the head: the head still points at 90°, the
    // viewer now sees the camera's front.
    await pressButton(ada.page, 'right', 'a-button');
    await untilDot('Ada', 0, 10);
    await lookHead(ada.page, 120, 10);
    await untilDot('Ada', 30, 10);
  });

  it('"look here" in view: a marker at that direction in both eyes', async () => {
    // 25° to the right of where Ada looks (30°, 10°): in view, not yet looked at.
    await lookHere(camera, 55, 10);
    await expect.poll(() => cueProgress(camera)).toEqual({ seen: 0, of: 1 });
    const p = await untilPicture(ada.page, 'presence-cue-in-view', (p) => cueInEyes(p).every(Boolean));
    const [left, right] = cueInEyes(p);
    console.log(
      `[presence] cue 25° right: left eye ${JSON.stringify(left)}, right eye ${JSON.stringify(right)}`,
    );
    for (const eye of [left, right]) {
      expect(eye, 'the cue in each eye').toBeDefined();
      expect(eye!.x).toBeGreaterThan(0.55); // right of the middle…
      expect(eye!.x).toBeLessThan(0.9); // …not at the edge
      expect(Math.abs(eye!.y - 0.5)).toBeLessThan(0.1); // at the height of the view's middle
    }
  });

  it('"look here" behind: an arrow at the left edge, and once the headset turns to it, it is counted', async () => {
    // 150° to the left of where Ada looks.
    await lookHere(camera, -120, 10);
    const p = await untilPicture(ada.page, 'presence-cue-behind', (p) =>
      cueInEyes(p).every((e) => e !== undefined && e.x < 0.4),
    );
    const eyes = cueInEyes(p);
    console.log(`[presence] cue behind-left: arrow in the eyes at ${JSON.stringify(eyes)}`);
    for (const eye of eyes) {
      expect(eye, 'the arrow in each eye').toBeDefined();
      expect(eye!.x).toBeLessThan(0.4);
    }
    // The head's 90° recenter offset: facing -30° shows the picture's -120°.
    await lookHead(ada.page, -30, 10);
    await expect.poll(() => cueProgress(camera), { timeout: 5000 }).toEqual({ seen: 1, of: 1 });
  });

  it("moves a desktop viewer's dot as it drags; sharing off hides it within a second and stops its reports", async () => {
    ben = await viewer('Ben', 'desktop');
    const before = (await untilDot('Ben', 0, 0)).dot;
    const box = (await ben.page.locator('canvas').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 3];
    await ben.page.mouse.move(cx - box.width / 8, cy);
    await ben.page.mouse.down();
    await ben.page.mouse.move(cx + box.width / 8, cy, { steps: 8 });
    await ben.page.mouse.up();
    // Dragging the picture to the right turns the view to the left.
    await expect.poll(async () => (await dotOf('Ben'))!.yaw, { timeout: 3000 }).toBeLessThan(before.yaw - 10);

    await ben.page.getByTestId('share-gaze').uncheck();
    const off = Date.now();
    await expect.poll(async () => (await dotOf('Ben')) === undefined, { timeout: 1000 }).toBe(true);
    console.log(`[presence] sharing off: dot gone after ${Date.now() - off} ms`);
    await expect
      .poll(() => camera.locator('.audience li[data-name="Ben"]').getAttribute('data-shares-gaze'))
      .toBe('false');
    const reports = () => ben.wire.sent.filter((f) => f.includes('"reportGaze"'));
    const sentAtOff = reports().length;
    expect(reports().at(-1)).toContain('"gaze":null');
    // Still looking around, for two seconds: nothing more is sent.
    await ben.page.mouse.move(cx, cy);
    await ben.page.mouse.down();
    await ben.page.mouse.move(cx + box.width / 4, cy, { steps: 8 });
    await ben.page.mouse.up();
    await ben.page.waitForTimeout(2000);
    expect(reports().length).toBe(sentAtOff);
    // The choice is remembered.
    await ben.page.reload();
    await ben.page.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
    expect(await ben.page.getByTestId('share-gaze').isChecked()).toBe(false);
  });

  it("never sends a viewer anyone's gaze, nor the cue's count", async () => {
    for (const [who, wire] of [
      ['Ada', ada.wire],
      ['Ben', ben.wire],
    ] as const) {
      expect(wire.received.length, who).toBeGreaterThan(5);
      expect(
        wire.received.filter((f) => f.includes('"event":"gaze"')),
        who,
      ).toEqual([]);
      expect(
        wire.received.filter((f) => f.includes('"event":"cue"')),
        who,
      ).toEqual([]);
    }
    // What viewers do get: the cue itself.
    expect(ada.wire.received.some((f) => f.includes('"event":"lookHere"'))).toBe(true);
  });
  it('counts who looks where the teacher points; the heat map colours where the class has looked', async () => {
    await ada.page.context().close();
    await ben.page.context().close();
    await expect.poll(async () => (await dots()).length, { timeout: 5000 }).toBe(0);
    cleo = await viewer('Cleo', 'desktop');
    await untilDot('Cleo', 0, 0);
    const frame = camera.getByTestId('presence-frame');
    const box = (await frame.boundingBox())!;
    const at = (yaw: number, pitch: number) => ({
      x: box.x + (0.5 + yaw / 360) * box.width,
      y: box.y + (0.5 - pitch / 180) * box.height,
    });
    // The pointer where Cleo looks, then behind her.
    await camera.mouse.move(at(10, 5).x, at(10, 5).y);
    await expect.poll(() => camera.getByTestId('looking-here').textContent()).toBe('1 looking here');
    await camera.mouse.move(at(170, 0).x, at(170, 0).y);
    await expect.poll(() => camera.getByTestId('looking-here').textContent()).toBe('0 looking here');
    await camera.mouse.move(box.x + box.width / 2, box.y + box.height + 40); // off the picture
    await expect.poll(() => camera.getByTestId('looking-here').count()).toBe(0);

    // She has looked ahead for a while; then turns well away to the left (her dot and outline leave).
    await camera.waitForTimeout(2500);
    const view = (await cleo.page.locator('canvas').boundingBox())!;
    for (let i = 0; i < 8 && (await dotOf('Cleo'))!.yaw > -70; i++) {
      await cleo.page.mouse.move(view.x + view.width * 0.3, view.y + view.height / 3);
      await cleo.page.mouse.down();
      await cleo.page.mouse.move(view.x + view.width * 0.7, view.y + view.height / 3, { steps: 8 });
      await cleo.page.mouse.up();
      await camera.waitForTimeout(300);
    }
    expect((await dotOf('Cleo'))!.yaw).toBeLessThan(-70);
    // The heat cell she looked at (yaw 0..5°, pitch 0..-5°), below the test pattern's moving dot.
    const cell = async () => {
      const p = decodePicture(await overlay().screenshot());
      const x0 = Math.round((0.5 + 0.5 / 360) * p.width);
      const x1 = Math.round((0.5 + 4.5 / 360) * p.width);
      const y0 = Math.round((0.5 + 3.5 / 180) * p.height);
      const y1 = Math.round((0.5 + 4.8 / 180) * p.height);
      return redMinusBlue(p, { x: x0, y: y0, width: x1 - x0, height: Math.max(1, y1 - y0) });
    };
    const without = await cell();
    await camera.getByTestId('heat-map').check();
    await expect.poll(async () => (await cell()) - without, { timeout: 3000 }).toBeGreaterThan(50);
    console.log(
      `[presence] heat map where Cleo looked: red − blue ${without.toFixed(0)} → ${(await cell()).toFixed(0)}`,
    );
    await camera.getByTestId('heat-map').uncheck();
    await expect.poll(async () => Math.abs((await cell()) - without), { timeout: 3000 }).toBeLessThan(20);
  });

  it('cues a desktop viewer: the marker where it points in the view, an arrow when it is behind', async () => {
    const at = (await dotOf('Cleo'))!;
    const limeIn = async () => {
      const p = decodePicture(await cleo.page.locator('canvas').screenshot());
      const c = markerCentre(p, 'lime');
      return c && { x: c.x / p.width, y: c.y / p.height };
    };
    // 20° to the right of the middle of her view, at its height.
    const wrap = (yaw: number) => ((((yaw + 180) % 360) + 360) % 360) - 180;
    await lookHere(camera, wrap(at.yaw + 20), at.pitch);
    await expect.poll(limeIn, { timeout: 5000 }).toBeDefined();
    const marker = (await limeIn())!;
    console.log(`[presence] desktop cue 20° right: at x ${marker.x.toFixed(3)}, y ${marker.y.toFixed(3)}`);
    expect(marker.x).toBeGreaterThan(0.55);
    expect(marker.x).toBeLessThan(0.9);
    expect(Math.abs(marker.y - 0.5)).toBeLessThan(0.15);
    // Behind her, a little to the left: the arrow at the left edge of the view.
    await lookHere(camera, wrap(at.yaw - 150), at.pitch);
    await expect.poll(async () => (await limeIn())?.x ?? 1, { timeout: 5000 }).toBeLessThan(0.3);
    console.log(`[presence] desktop cue behind-left: arrow at x ${(await limeIn())!.x.toFixed(3)}`);
  });

  it('follows a phone as it turns, and shows it the cue where it points', async () => {
    const dan = await viewer('Dan', 'phone');
    await untilDot('Dan', 0, 0);
    await dan.page.getByRole('button', { name: 'Look with phone' }).click();
    const tilt = (alpha: number, beta: number) =>
      dan.page.evaluate(
        ([a, b]) =>
          window.dispatchEvent(
            new DeviceOrientationEvent('deviceorientation', { alpha: a, beta: b, gamma: 0 }),
          ),
        [alpha, beta] as const,
      );
    // Upright and tipped back 10°: the view looks 10° up. Told until the page listens: its first reading
    // of the heading is "front", so this one's.
    await expect
      .poll(
        async () => {
          await tilt(0, 100);
          return (await dotOf('Dan'))?.pitch ?? 0;
        },
        { timeout: 5000 },
      )
      .toBeGreaterThan(9);
    // The phone turns 60° to the left (the compass heading grows anticlockwise).
    await tilt(60, 100);
    const turned = await untilDot('Dan', -60, 10);
    console.log(`[presence] phone turned 60° left: dot at ${turned.dot.yaw}°, ${turned.dot.pitch}°`);

    const limeIn = async () => {
      const p = decodePicture(await dan.page.locator('canvas').screenshot());
      const c = markerCentre(p, 'lime');
      return c && { x: c.x / p.width, y: c.y / p.height };
    };
    // 20° above the middle of its view (more than the 15° that counts as looked at): in the tall view's
    // upper half, in the middle across.
    await lookHere(camera, turned.dot.yaw, turned.dot.pitch + 20);
    await expect.poll(limeIn, { timeout: 5000 }).toBeDefined();
    const marker = (await limeIn())!;
    console.log(`[presence] phone cue 20° up: at x ${marker.x.toFixed(3)}, y ${marker.y.toFixed(3)}`);
    expect(Math.abs(marker.x - 0.5)).toBeLessThan(0.1);
    expect(marker.y).toBeGreaterThan(0.15);
    expect(marker.y).toBeLessThan(0.4);
    // Behind it, a little to the right: the arrow at the right edge; the phone turns there and is counted.
    await lookHere(camera, turned.dot.yaw + 150, turned.dot.pitch);
    await expect.poll(async () => (await limeIn())?.x ?? 0, { timeout: 5000 }).toBeGreaterThan(0.7);
    console.log(`[presence] phone cue behind-right: arrow at x ${(await limeIn())!.x.toFixed(3)}`);
    await tilt(-90, 100);
    await expect.poll(async () => (await cueProgress(camera))?.seen, { timeout: 5000 }).toBe(1);
  });
});
