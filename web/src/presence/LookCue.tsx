import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import {
  DoubleSide,
  MathUtils,
  Quaternion,
  Shape,
  ShapeGeometry,
  Vector3,
  type Group,
  type Mesh,
  type MeshBasicMaterial,
} from 'three';
import type { CueId } from '@inclubit/sfu/protocol';
import { inView, vectorOf } from './gaze-math';
import { CUE_COLOUR } from './colours';
import { cueState, gazeNow, useViewerPresence, viewerPresence } from './viewer-presence';

/** The marker sits inside the picture's sphere (radius 500), drawn over it whatever the depth. */
const MARKER_DISTANCE = 300;
const MARKER_RADIUS = MARKER_DISTANCE * Math.tan(MathUtils.degToRad(3));
/** The arrow: a metre ahead of the eyes, at three quarters of the way to the view's edge. */
const ARROW_AT_EDGE = 0.75;
const ARROW_SIZE = 0.07;

function arrowGeometry(): ShapeGeometry {
  // Pointing along +x: the arrow is turned about the view axis towards the cue.
  const s = ARROW_SIZE;
  const shape = new Shape();
  shape.moveTo(s, 0);
  shape.lineTo(-s * 0.6, s * 0.7);
  shape.lineTo(-s * 0.25, 0);
  shape.lineTo(-s * 0.6, -s * 0.7);
  shape.closePath();
  return new ShapeGeometry(shape);
}

const cueWorld = new Vector3();
const contentTurn = new Quaternion();
const headInverse = new Quaternion();
const spin = new Quaternion();
const AXIS_Z = new Vector3(0, 0, 1);
const local = new Vector3();

/** The cue's colour, drawn over the picture whatever the depth, from both sides, fading as one. */
function CueMaterial({ ref }: { ref: (m: MeshBasicMaterial | null) => void }) {
  return (
    <meshBasicMaterial
      ref={ref}
      color={CUE_COLOUR}
      transparent
      depthTest={false}
      depthWrite={false}
      side={DoubleSide}
      toneMapped={false}
    />
  );
}

/**
 * The teacher's "look here": a marker at that direction of the picture (inside the content group, so it
 * stays on the spot the teacher chose whatever the viewer's recenter) and, while it is out of view, an arrow
 * near the edge of the view pointing the shortest way to it — on a screen and in a headset alike, drawn over
 * the picture (also over a video on a media layer). It fades after its time, or once looked at; `onSeen`
 * tells the server.
 */
export function LookCue({ onSeen }: { onSeen: (cueId: CueId) => void }) {
  const cue = useViewerPresence((s) => s.cue);
  const root = useRef<Group>(null);
  const marker = useRef<Group>(null);
  const arrow = useRef<Mesh>(null);
  const materials = useRef<MeshBasicMaterial[]>([]);
  const arrowShape = useMemo(arrowGeometry, []);
  useEffect(() => () => arrowShape.dispose(), [arrowShape]);

  useEffect(() => {
    const m = marker.current;
    if (!m || !cue) return;
    const v = vectorOf(cue);
    m.position.set(v.x, v.y, v.z).multiplyScalar(MARKER_DISTANCE);
    m.lookAt(0, 0, 0);
  }, [cue]);

  useFrame(({ camera, invalidate }) => {
    const g = root.current;
    if (!cue || !g) return;
    const { opacity, seenNow } = cueState(cue, gazeNow.gaze, performance.now());
    if (seenNow) onSeen(cue.cueId);
    if (opacity <= 0) {
      viewerPresence.setState({ cue: undefined });
      return;
    }
    for (const m of materials.current) m.opacity = opacity;
    invalidate(); // a page drawing on demand keeps drawing while the cue fades

    const a = arrow.current;
    const gaze = gazeNow.gaze;
    if (!a) return;
    const edge = gaze && { ...gaze, hfov: gaze.hfov * ARROW_AT_EDGE, vfov: gaze.vfov * ARROW_AT_EDGE };
    a.visible = !!edge && cue.seenAt === undefined && !inView(edge, cue);
    if (!a.visible || !gaze) return;
    // The cue in the head's own frame (roll included): which way round the view's edge to point.
    const v = vectorOf(cue);
    g.getWorldQuaternion(contentTurn);
    cueWorld.set(v.x, v.y, v.z).applyQuaternion(contentTurn);
    cueWorld.applyQuaternion(headInverse.copy(camera.quaternion).invert());
    // Straight behind, any way round will do: to the right.
    const angle = Math.hypot(cueWorld.x, cueWorld.y) < 1e-6 ? 0 : Math.atan2(cueWorld.y, cueWorld.x);
    const rx = ARROW_AT_EDGE * Math.tan(MathUtils.degToRad(gaze.hfov / 2));
    const ry = ARROW_AT_EDGE * Math.tan(MathUtils.degToRad(gaze.vfov / 2));
    local.set(Math.cos(angle) * rx, Math.sin(angle) * ry, -1).applyQuaternion(camera.quaternion);
    a.position.copy(g.worldToLocal(local.add(camera.position)));
    a.quaternion
      .copy(contentTurn.invert())
      .multiply(camera.quaternion)
      .multiply(spin.setFromAxisAngle(AXIS_Z, angle));
  });

  const material = (i: number) => (m: MeshBasicMaterial | null) => {
    if (m) materials.current[i] = m;
  };
  if (!cue) return null;
  return (
    <group ref={root} name="look-cue">
      <group ref={marker}>
        <mesh renderOrder={90}>
          <ringGeometry args={[MARKER_RADIUS * 0.7, MARKER_RADIUS, 48]} />
          <CueMaterial ref={material(0)} />
        </mesh>
        <mesh renderOrder={90}>
          <circleGeometry args={[MARKER_RADIUS * 0.3, 24]} />
          <CueMaterial ref={material(1)} />
        </mesh>
      </group>
      <mesh ref={arrow} geometry={arrowShape} renderOrder={91} visible={false}>
        <CueMaterial ref={material(2)} />
      </mesh>
    </group>
  );
}
