import { describe, expect, it } from 'vitest';
import { Euler, Quaternion, Vector3 } from 'three';
import {
  angleBetween,
  directionAt,
  directionOf,
  frameLines,
  framePoints,
  fromView,
  inView,
  toView,
  vectorOf,
  viewOutline,
  wrapYaw,
} from './gaze-math';

describe('directions', () => {
  it('reads yaw to the right and pitch up, as the viewer turns its camera', () => {
    // The look controls turn the camera by (pitch, yaw, 0, 'YXZ'), yaw counter-clockwise: a turn to the right
    // is a negative three.js yaw.
    for (const [yaw, pitch] of [
      [0, 0],
      [90, 10],
      [-45, -20],
      [170, 60],
    ] as const) {
      const q = new Quaternion().setFromEuler(
        new Euler((pitch * Math.PI) / 180, (-yaw * Math.PI) / 180, 0, 'YXZ'),
      );
      const forward = new Vector3(0, 0, -1).applyQuaternion(q);
      const d = directionOf(forward);
      expect(d.yaw).toBeCloseTo(yaw, 6);
      expect(d.pitch).toBeCloseTo(pitch, 6);
      const v = vectorOf(d);
      expect(v.x).toBeCloseTo(forward.x, 6);
      expect(v.y).toBeCloseTo(forward.y, 6);
      expect(v.z).toBeCloseTo(forward.z, 6);
    }
  });

  it('wraps yaw to (-180, 180] and measures angles between directions', () => {
    expect(wrapYaw(190)).toBe(-170);
    expect(wrapYaw(-180)).toBe(180);
    expect(wrapYaw(540)).toBe(180);
    expect(angleBetween({ yaw: 170, pitch: 0 }, { yaw: -170, pitch: 0 })).toBeCloseTo(20, 6);
    expect(angleBetween({ yaw: 0, pitch: 90 }, { yaw: 123, pitch: 90 })).toBeCloseTo(0, 6);
  });

  it('turns a direction into a view and back', () => {
    const gaze = { yaw: 120, pitch: -25 };
    const v = vectorOf({ yaw: 40, pitch: 10 });
    const back = fromView(gaze, toView(gaze, v));
    expect(back.x).toBeCloseTo(v.x, 9);
    expect(back.y).toBeCloseTo(v.y, 9);
    expect(back.z).toBeCloseTo(v.z, 9);
    // The view's own middle is straight ahead of it.
    const ahead = toView(gaze, vectorOf(gaze));
    expect(ahead.z).toBeCloseTo(-1, 9);
  });
});

describe('inView and viewOutline', () => {
  const gaze = { yaw: 90, pitch: 10, hfov: 100, vfov: 70 };

  it('knows what a view contains, across the back seam too', () => {
    expect(inView(gaze, { yaw: 90, pitch: 10 })).toBe(true);
    expect(inView(gaze, { yaw: 135, pitch: 10 })).toBe(true);
    expect(inView(gaze, { yaw: 145, pitch: 10 })).toBe(false);
    expect(inView(gaze, { yaw: -90, pitch: 0 })).toBe(false);
    expect(inView(gaze, { yaw: 90, pitch: 50 })).toBe(false);
    const back = { yaw: 175, pitch: 0, hfov: 60, vfov: 40 };
    expect(inView(back, { yaw: -170, pitch: 0 })).toBe(true);
  });

  it('outlines the view: its corners are at the edge of the field', () => {
    const outline = viewOutline(gaze, 4);
    expect(outline).toHaveLength(17);
    expect(outline[0]).toEqual(outline[16]);
    // Every outline point is at the view's edge: inside a slightly wider view, outside a slightly narrower one.
    for (const p of outline) {
      expect(inView({ ...gaze, hfov: 101, vfov: 71 }, p)).toBe(true);
      expect(inView({ ...gaze, hfov: 99, vfov: 69 }, p)).toBe(false);
    }
  });
});

describe('the frame', () => {
  it('maps yaw and pitch on a 360 frame: front in the middle, right to the right, up to the top', () => {
    expect(framePoints({ yaw: 0, pitch: 0 }, 'mono-360', false)).toEqual([{ x: 0.5, y: 0.5 }]);
    expect(framePoints({ yaw: 90, pitch: 45 }, 'mono-360', false)).toEqual([{ x: 0.75, y: 0.25 }]);
    expect(framePoints({ yaw: -180, pitch: -90 }, 'mono-360', false)).toEqual([{ x: 0, y: 1 }]);
  });

  it('finds a direction in each eye of a stereo frame, and none behind a 180 one', () => {
    // Top-bottom: the left eye on top.
    expect(framePoints({ yaw: 90, pitch: 0 }, 'stereo-360-tb', false)).toEqual([
      { x: 0.75, y: 0.25 },
      { x: 0.75, y: 0.75 },
    ]);
    expect(framePoints({ yaw: 45, pitch: 0 }, 'stereo-180-sbs', false)).toEqual([
      { x: 0.375, y: 0.5 },
      { x: 0.875, y: 0.5 },
    ]);
    expect(framePoints({ yaw: 120, pitch: 0 }, 'mono-180', false)).toEqual([]);
  });

  it('reads the direction back at a point, in whichever eye the point is', () => {
    for (const projection of ['mono-360', 'stereo-360-tb', 'stereo-180-sbs'] as const) {
      for (const d of [
        { yaw: 30, pitch: 20 },
        { yaw: -60, pitch: -10 },
      ]) {
        for (const p of framePoints(d, projection, false)) {
          const back = directionAt(p.x, p.y, projection, false);
          expect(back.yaw).toBeCloseTo(d.yaw, 9);
          expect(back.pitch).toBeCloseTo(d.pitch, 9);
        }
      }
    }
  });

  it('breaks an outline where it crosses the back seam', () => {
    const lines = frameLines(viewOutline({ yaw: 180, pitch: 0, hfov: 60, vfov: 40 }), 'mono-360', false);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines)
      for (let i = 1; i < line.length; i++) expect(Math.abs(line[i]!.x - line[i - 1]!.x)).toBeLessThan(0.5);
    expect(frameLines(viewOutline({ yaw: 0, pitch: 0, hfov: 60, vfov: 40 }), 'mono-360', false)).toHaveLength(
      1,
    );
  });
});
