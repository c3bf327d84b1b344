import { describe, expect, it } from 'vitest';
import { Euler, Quaternion, Vector3 } from 'three';
import { Projection } from '@inclubit/sfu/protocol';
import { eyeRect, horizontalSpan, isStereo, stereoLayout, wantedFrameWidth, yawOf } from './projection';
import { SPHERE_RADIUS, createEyeGeometry } from './eye-geometry';

const TOP = { u: 0, v: 0.5, width: 1, height: 0.5 };
const BOTTOM = { u: 0, v: 0, width: 1, height: 0.5 };
const LEFT = { u: 0, v: 0, width: 0.5, height: 1 };
const RIGHT = { u: 0.5, v: 0, width: 0.5, height: 1 };
const FULL = { u: 0, v: 0, width: 1, height: 1 };

describe('eyeRect', () => {
  it.each([
    ['mono-360', FULL, FULL],
    ['mono-180', FULL, FULL],
    ['stereo-360-tb', TOP, BOTTOM],
    ['stereo-360-sbs', LEFT, RIGHT],
    ['stereo-180-sbs', LEFT, RIGHT],
  ] as const)('%s: left eye and right eye', (projection, left, right) => {
    expect(eyeRect(projection, 'left', false)).toEqual(left);
    expect(eyeRect(projection, 'right', false)).toEqual(right);
    // Swapped halves trade places; mono is unaffected.
    expect(eyeRect(projection, 'left', true)).toEqual(right);
    expect(eyeRect(projection, 'right', true)).toEqual(left);
  });

  it('classifies every format', () => {
    for (const p of Projection.options) {
      expect(isStereo(p)).toBe(p.startsWith('stereo'));
      expect(horizontalSpan(p)).toBeCloseTo(p.includes('180') ? Math.PI : 2 * Math.PI);
    }
    expect(stereoLayout('stereo-360-tb')).toBe('stereo-top-bottom');
    expect(stereoLayout('stereo-180-sbs')).toBe('stereo-left-right');
    expect(stereoLayout('mono-180')).toBe('mono');
  });
});

describe('createEyeGeometry', () => {
  const uvRange = (projection: Projection, eye: 'left' | 'right') => {
    const uv = createEyeGeometry(projection, eye, false).attributes.uv!;
    let [uMin, uMax, vMin, vMax] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < uv.count; i++) {
      uMin = Math.min(uMin, uv.getX(i));
      uMax = Math.max(uMax, uv.getX(i));
      vMin = Math.min(vMin, uv.getY(i));
      vMax = Math.max(vMax, uv.getY(i));
    }
    return { uMin, uMax, vMin, vMax };
  };

  it('maps each eye onto exactly its half of the frame', () => {
    expect(uvRange('stereo-360-tb', 'left')).toEqual({ uMin: 0, uMax: 1, vMin: 0.5, vMax: 1 });
    expect(uvRange('stereo-360-tb', 'right')).toEqual({ uMin: 0, uMax: 1, vMin: 0, vMax: 0.5 });
    expect(uvRange('stereo-180-sbs', 'left')).toEqual({ uMin: 0, uMax: 0.5, vMin: 0, vMax: 1 });
    expect(uvRange('stereo-180-sbs', 'right')).toEqual({ uMin: 0.5, uMax: 1, vMin: 0, vMax: 1 });
    expect(uvRange('mono-360', 'right')).toEqual({ uMin: 0, uMax: 1, vMin: 0, vMax: 1 });
  });

  /** The texture coordinate seen when looking along `direction` (nearest vertex). */
  const uvSeenAt = (projection: Projection, direction: Vector3) => {
    const g = createEyeGeometry(projection, 'left', false);
    const pos = g.attributes.position!;
    const uv = g.attributes.uv!;
    const target = direction.clone().normalize().multiplyScalar(SPHERE_RADIUS);
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < pos.count; i++) {
      const d = target.distanceTo(new Vector3(pos.getX(i), pos.getY(i), pos.getZ(i)));
      if (d < bestDistance) [best, bestDistance] = [i, d];
    }
    return { u: uv.getX(best), v: uv.getY(best) };
  };

  it('puts the centre of the frame straight ahead, east to the right, up above', () => {
    for (const p of ['mono-360', 'mono-180'] as const) {
      expect(uvSeenAt(p, new Vector3(0, 0, -1)).u).toBeCloseTo(0.5, 1);
      expect(uvSeenAt(p, new Vector3(0, 1, 0)).v).toBeCloseTo(1, 1);
    }
    // 90° to the right is three quarters across a 360 frame, and the right edge of a 180 frame.
    expect(uvSeenAt('mono-360', new Vector3(1, 0, 0)).u).toBeCloseTo(0.75, 1);
    expect(uvSeenAt('mono-180', new Vector3(1, 0, 0)).u).toBeCloseTo(1, 1);
    expect(uvSeenAt('mono-360', new Vector3(-1, 0, 0)).u).toBeCloseTo(0.25, 1);
  });
});

describe('yawOf', () => {
  it('reads the heading of a head, ignoring pitch and roll', () => {
    for (const yawDeg of [0, 30, 90, -120, 179]) {
      const yaw = (yawDeg * Math.PI) / 180;
      const q = new Quaternion().setFromEuler(new Euler(0.4, yaw, -0.2, 'YXZ'));
      expect(yawOf(q)).toBeCloseTo(yaw, 6);
    }
  });

  it('turned by its own inverse, a head looks straight ahead again (recenter)', () => {
    const head = new Quaternion().setFromEuler(new Euler(0, 1.1, 0, 'YXZ'));
    const recenter = new Quaternion().setFromAxisAngle(new Vector3(0, 1, 0), -yawOf(head));
    expect(yawOf(recenter.multiply(head))).toBeCloseTo(0, 6);
  });
});

describe('wantedFrameWidth', () => {
  it('is the view width times 360° over its horizontal field of view', () => {
    // 16:9 at a 75° vertical field of view spans ~107.5° horizontally.
    expect(wantedFrameWidth(320, 180, 1, 75)).toBe(1072);
    expect(wantedFrameWidth(1280, 720, 1, 75)).toBe(4287);
    // A phone's device pixels count.
    expect(wantedFrameWidth(400, 800, 3, 75)).toBeGreaterThan(wantedFrameWidth(400, 800, 1, 75) * 2.9);
  });

  it('grows as the view zooms in (a narrower field of view)', () => {
    expect(wantedFrameWidth(1280, 720, 1, 30)).toBeGreaterThan(wantedFrameWidth(1280, 720, 1, 75));
  });
});
