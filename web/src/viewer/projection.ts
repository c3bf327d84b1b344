// Which part of the camera's frame each eye sees, for every supported 360/180 format. Pure maths, no three.js
// scene state, so it is unit-tested directly.
import type { Projection } from '@inclubit/sfu/protocol';

export type Eye = 'left' | 'right';

/** A rectangle of the video frame in texture coordinates: u to the right, v up (0 = bottom row). */
export interface UvRect {
  u: number;
  v: number;
  width: number;
  height: number;
}

const full: UvRect = { u: 0, v: 0, width: 1, height: 1 };

export function isStereo(projection: Projection): boolean {
  return projection.startsWith('stereo');
}

/** Horizontal field the frame covers, in radians: the full circle or the front half. */
export function horizontalSpan(projection: Projection): number {
  return projection.includes('180') ? Math.PI : 2 * Math.PI;
}

/** How the halves are packed: top-bottom, left-right, or one picture. */
export function stereoLayout(projection: Projection): 'mono' | 'stereo-top-bottom' | 'stereo-left-right' {
  if (projection.endsWith('-tb')) return 'stereo-top-bottom';
  if (projection.endsWith('-sbs')) return 'stereo-left-right';
  return 'mono';
}

/**
 * The part of the frame `eye` sees. The left eye gets the top half (top-bottom) or the left half
 * (side-by-side) unless the stream says its halves are swapped; mono streams show the whole frame to both.
 */
export function eyeRect(projection: Projection, eye: Eye, swapEyes: boolean): UvRect {
  const layout = stereoLayout(projection);
  if (layout === 'mono') return full;
  const first = (eye === 'left') !== swapEyes; // the "first" half: top, or left
  if (layout === 'stereo-top-bottom') return { u: 0, v: first ? 0.5 : 0, width: 1, height: 0.5 };
  return { u: first ? 0 : 0.5, v: 0, width: 0.5, height: 1 };
}

/**
 * The yaw (rotation about the vertical axis, radians, counter-clockwise seen from above) of a head whose
 * orientation is the quaternion (x, y, z, w): where its forward vector (-z) points, ignoring pitch and roll.
 * Recentering turns the picture by this much so the camera's front is where the viewer looks.
 */
export function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  // Forward = q · (0, 0, -1) · q⁻¹, expanded.
  const fx = -2 * (q.x * q.z + q.w * q.y);
  const fz = -(1 - 2 * (q.x * q.x + q.y * q.y));
  return Math.atan2(-fx, -fz);
}

/**
 * How wide (device pixels) a full 360° frame must be for this view to show it pixel for pixel: the view's
 * width spans its horizontal field of view, the frame's width spans 360°. A 320-pixel window at 75° needs
 * ~1070; a 1280-pixel one ~4300. Asks a camera that sends layers for no bigger picture than that.
 */
export function wantedFrameWidth(cssWidth: number, cssHeight: number, pixelRatio: number, vFovDeg: number) {
  const aspect = cssWidth / Math.max(1, cssHeight);
  const hFov = 2 * Math.atan(Math.tan((vFovDeg * Math.PI) / 360) * aspect);
  return Math.ceil((cssWidth * pixelRatio * 2 * Math.PI) / Math.max(hFov, 1e-3));
}
