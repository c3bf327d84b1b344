// Presence as a test sees it: the dots an overlay (camera page, dashboard) draws, read from the page's own
// state; the teacher's "look here" clicked on the camera page and its count; the cue in a headset's eyes.
import type { Locator, Page } from 'playwright-core';
import { leftHalf, markerCentre, rightHalf, type Picture } from './pixels.js';

export interface Dot {
  peerId: string;
  name: string;
  yaw: number;
  pitch: number;
}

type PresenceCanvas = HTMLCanvasElement & { presence?: { dots: () => Dot[] } };

export const overlayDots = (overlay: Locator): Promise<Dot[]> =>
  overlay.evaluate((el) => (el as PresenceCanvas).presence?.dots() ?? []);

/** Clicks the camera's picture at a direction of its (mono 360) frame: "look here". */
export async function lookHere(camera: Page, yaw: number, pitch: number): Promise<void> {
  const frame = camera.getByTestId('presence-frame');
  const box = (await frame.boundingBox())!;
  await frame.click({ position: { x: (0.5 + yaw / 360) * box.width, y: (0.5 - pitch / 180) * box.height } });
}

/** How many viewers have looked at the current cue, of how many; undefined with no cue. */
export async function cueProgress(camera: Page): Promise<{ seen: number; of: number } | undefined> {
  const el = camera.getByTestId('cue-progress');
  if ((await el.count()) === 0) return undefined;
  return { seen: Number(await el.getAttribute('data-seen')), of: Number(await el.getAttribute('data-of')) };
}

/** Where the cue's colour is in each eye, as a fraction of the eye's width and height. */
export function cueInEyes(p: Picture): ({ x: number; y: number } | undefined)[] {
  return [leftHalf(p), rightHalf(p)].map((eye) => {
    const c = markerCentre(p, 'lime', eye);
    return c && { x: c.x / eye.width, y: c.y / eye.height };
  });
}
