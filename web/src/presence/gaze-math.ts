// Directions on the camera's sphere, as presence speaks of them (docs/protocol.md, "Presence"): yaw and pitch
// in degrees, yaw 0 the camera's front and positive to the right, pitch positive up. Pure maths, no three.js
// scene state: the viewer's probe, its cue, and the camera page's overlay all use these, tested directly.
import type { Direction, Gaze, Projection } from '@inclubit/sfu/protocol';
import { eyeRect, horizontalSpan, type UvRect } from '../viewer/projection';

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

const RAD = Math.PI / 180;

/** Wraps an angle to (-180, 180]. */
export function wrapYaw(deg: number): number {
  const w = ((((deg + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

/** The yaw and pitch of a direction in the scene's axes (forward -z, right +x, up +y), any length. */
export function directionOf(v: Vec3): Direction {
  const length = Math.hypot(v.x, v.y, v.z) || 1;
  const pitch = Math.asin(Math.max(-1, Math.min(1, v.y / length))) / RAD;
  // Straight up or down, yaw is undefined: 0 rather than noise.
  const flat = Math.hypot(v.x, v.z);
  const yaw = flat < 1e-9 ? 0 : Math.atan2(v.x, -v.z) / RAD;
  return { yaw: wrapYaw(yaw), pitch };
}

/** The unit vector of a direction, in the scene's axes. */
export function vectorOf({ yaw, pitch }: Direction): Vec3 {
  const y = yaw * RAD;
  const p = pitch * RAD;
  return { x: Math.cos(p) * Math.sin(y), y: Math.sin(p), z: -Math.cos(p) * Math.cos(y) };
}

/** The angle between two directions, degrees. */
export function angleBetween(a: Direction, b: Direction): number {
  const u = vectorOf(a);
  const v = vectorOf(b);
  const dot = u.x * v.x + u.y * v.y + u.z * v.z;
  return Math.acos(Math.max(-1, Math.min(1, dot))) / RAD;
}

/**
 * `v` in the frame of a view looking along `gaze` (forward -z, right +x, up +y of that view): undoes the
 * view's yaw, then its pitch.
 */
export function toView(gaze: Direction, v: Vec3): Vec3 {
  const y = gaze.yaw * RAD;
  // Undo the yaw (a turn to the right is a rotation by -yaw about +y).
  const x1 = v.x * Math.cos(y) + v.z * Math.sin(y);
  const z1 = -v.x * Math.sin(y) + v.z * Math.cos(y);
  const p = gaze.pitch * RAD;
  // Undo the pitch (looking up is a rotation by +pitch about +x).
  const y2 = v.y * Math.cos(p) + z1 * Math.sin(p);
  const z2 = -v.y * Math.sin(p) + z1 * Math.cos(p);
  return { x: x1, y: y2, z: z2 };
}

/** `v` from a view's frame back to the camera's (the inverse of `toView`). */
export function fromView(gaze: Direction, v: Vec3): Vec3 {
  const p = gaze.pitch * RAD;
  const y1 = v.y * Math.cos(p) - v.z * Math.sin(p);
  const z1 = v.y * Math.sin(p) + v.z * Math.cos(p);
  const y = gaze.yaw * RAD;
  return { x: v.x * Math.cos(y) - z1 * Math.sin(y), y: y1, z: v.x * Math.sin(y) + z1 * Math.cos(y) };
}

/** Whether `point` is inside the view's rectangle. */
export function inView(gaze: Gaze, point: Direction): boolean {
  const v = toView(gaze, vectorOf(point));
  if (v.z >= 0) return false;
  return (
    Math.abs(v.x / -v.z) <= Math.tan((gaze.hfov / 2) * RAD) &&
    Math.abs(v.y / -v.z) <= Math.tan((gaze.vfov / 2) * RAD)
  );
}

/**
 * The outline of a view on the sphere: points along its rectangle's edges, as directions, in order. The
 * outline of a view near a pole, or across the back seam, is drawn by `frameLines`.
 */
export function viewOutline(gaze: Gaze, perEdge = 12): Direction[] {
  const tx = Math.tan((gaze.hfov / 2) * RAD);
  const ty = Math.tan((gaze.vfov / 2) * RAD);
  const corners: [number, number][] = [
    [-tx, ty],
    [tx, ty],
    [tx, -ty],
    [-tx, -ty],
  ];
  const out: Direction[] = [];
  for (let c = 0; c < 4; c++) {
    const [ax, ay] = corners[c]!;
    const [bx, by] = corners[(c + 1) % 4]!;
    for (let i = 0; i < perEdge; i++) {
      const t = i / perEdge;
      out.push(directionOf(fromView(gaze, { x: ax + (bx - ax) * t, y: ay + (by - ay) * t, z: -1 })));
    }
  }
  out.push(out[0]!);
  return out;
}

/**
 * Where a direction falls in the camera's frame, for each eye's part of it (one part for mono): x, y in
 * [0, 1] from the frame's top left. Undefined for a 180° frame's back half.
 */
export function framePoints(
  d: Direction,
  projection: Projection,
  swapEyes: boolean,
): { x: number; y: number }[] {
  const span = horizontalSpan(projection) / RAD;
  const u = 0.5 + d.yaw / span;
  if (u < 0 || u > 1) return [];
  const v = 0.5 - d.pitch / 180;
  const rects: UvRect[] = [eyeRect(projection, 'left', swapEyes)];
  const right = eyeRect(projection, 'right', swapEyes);
  if (right.u !== rects[0]!.u || right.v !== rects[0]!.v) rects.push(right);
  // UvRect's v runs up from the bottom; the frame's y runs down from the top.
  return rects.map((r) => ({ x: r.u + u * r.width, y: 1 - (r.v + r.height) + v * r.height }));
}

/** The direction at a point of the frame (x, y in [0, 1] from the top left), for the eye part it is in. */
export function directionAt(x: number, y: number, projection: Projection, swapEyes: boolean): Direction {
  const rects = [eyeRect(projection, 'left', swapEyes), eyeRect(projection, 'right', swapEyes)];
  const v = 1 - y;
  const r = rects.find((q) => x >= q.u && x <= q.u + q.width && v >= q.v && v <= q.v + q.height) ?? rects[0]!;
  const u = (x - r.u) / r.width;
  const vy = (v - r.v) / r.height; // 0 at the bottom of the eye's part
  const span = horizontalSpan(projection) / RAD;
  return { yaw: wrapYaw((u - 0.5) * span), pitch: (vy - 0.5) * 180 };
}

/**
 * A path over the frame through directions in order, broken where it crosses the back seam (or leaves a
 * 180° frame): each line a list of frame points, for each eye part.
 */
export function frameLines(
  path: Direction[],
  projection: Projection,
  swapEyes: boolean,
): { x: number; y: number }[][] {
  const parts = framePoints({ yaw: 0, pitch: 0 }, projection, swapEyes).length;
  const lines: { x: number; y: number }[][] = [];
  for (let part = 0; part < parts; part++) {
    let line: { x: number; y: number }[] = [];
    let last: Direction | undefined;
    for (const d of path) {
      const p = framePoints(d, projection, swapEyes)[part];
      if (!p || (last && Math.abs(d.yaw - last.yaw) > 180)) {
        if (line.length > 1) lines.push(line);
        line = [];
      }
      if (p) line.push(p);
      last = d;
    }
    if (line.length > 1) lines.push(line);
  }
  return lines;
}
