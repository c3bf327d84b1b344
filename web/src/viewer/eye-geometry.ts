// Sphere geometry for one eye: the frame region that eye sees, mapped on the inside of a sphere (or the front
// half of one for 180° formats) whose centre faces -z.
import { SphereGeometry } from 'three';
import type { Projection } from '@inclubit/sfu/protocol';
import { eyeRect, horizontalSpan, type Eye } from './projection';

export const SPHERE_RADIUS = 500;

export function createEyeGeometry(projection: Projection, eye: Eye, swapEyes: boolean): SphereGeometry {
  const span = horizontalSpan(projection);
  // three.js places u = 0.5 at phi = π; starting at π - span/2 keeps the frame's centre there for any span.
  const geometry = new SphereGeometry(SPHERE_RADIUS, 96, 48, Math.PI - span / 2, span);
  // Mirror the geometry (not the object: three.js would undo that by flipping the winding) so its faces point
  // inward and the picture is not reversed when seen from inside.
  geometry.scale(-1, 1, 1);
  // With the mirror, phi = π lies on -x; a quarter turn brings the frame's centre to -z (straight ahead).
  geometry.rotateY(-Math.PI / 2);

  const rect = eyeRect(projection, eye, swapEyes);
  const uv = geometry.attributes.uv;
  if (!uv) throw new Error('sphere geometry has no uv attribute');
  for (let i = 0; i < uv.count; i++) {
    // three.js nudges pole vertices half a segment past 0 and 1; clamped, an eye never samples the other half.
    const u = Math.min(1, Math.max(0, uv.getX(i)));
    uv.setXY(i, rect.u + u * rect.width, rect.v + uv.getY(i) * rect.height);
  }
  uv.needsUpdate = true;
  return geometry;
}
