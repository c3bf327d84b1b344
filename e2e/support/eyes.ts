// What each eye of an emulated headset sees (IWER draws both side by side, left eye on the left), for the
// test pattern: a red tint on the left eye's half of a stereo frame, blue on the right's, a magenta marker at
// the camera's front.
import { expect } from 'vitest';
import { leftHalf, markerCentre, redMinusBlue, rightHalf, type Picture } from './pixels.js';

/** The left eye sees the red-tinted picture, the right eye the blue-tinted one. */
export const leftRedRightBlue = (p: Picture) =>
  redMinusBlue(p, leftHalf(p)) > 25 && redMinusBlue(p, rightHalf(p)) < -25;

/** Both eyes see the same picture, and the front marker is in the left eye's view. */
export const monoWithFront = (p: Picture) =>
  Math.abs(redMinusBlue(p, leftHalf(p)) - redMinusBlue(p, rightHalf(p))) < 5 &&
  markerCentre(p, 'magenta', leftHalf(p)) !== undefined;

/** In each eye the front marker is straight ahead (within 8 % of the eye's width). */
export function expectFrontAhead(p: Picture, what: string): void {
  for (const eye of [leftHalf(p), rightHalf(p)]) {
    const front = markerCentre(p, 'magenta', eye);
    expect(front, what).toBeDefined();
    expect(Math.abs(front!.x - eye.width / 2)).toBeLessThan(eye.width * 0.08);
  }
}

/** The share of an eye's pixels that are not dark: the picture fills the eye. */
export function litShare(p: Picture, eye: 'left' | 'right'): number {
  const r = eye === 'left' ? leftHalf(p) : rightHalf(p);
  let lit = 0;
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) if (p.luma[y * p.width + x]! > 20) lit++;
  return lit / (r.width * r.height);
}
