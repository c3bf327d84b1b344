import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { useXR } from '@react-three/xr';
import { MathUtils, Quaternion, Vector3, type Group, type PerspectiveCamera } from 'three';
import { directionOf } from './gaze-math';
import { gazeFrame, gazeNow } from './viewer-presence';

const forward = new Vector3();
const contentTurn = new Quaternion();

/**
 * Reads where the viewer looks, every frame the scene draws: the view's direction in the picture's own frame
 * (inside the content group, so a recenter's turn is undone and the camera's front stays yaw 0) and the
 * view's field — the window's camera, or a headset eye's projection. Writes `gazeNow` in place; nothing is
 * allocated per frame. Mounted only while a picture is shown.
 */
export function GazeProbe() {
  const group = useRef<Group>(null);
  const gl = useThree((s) => s.gl);
  const inXR = useXR((s) => s.session != null);
  useEffect(
    () => () => {
      gazeNow.gaze = undefined;
    },
    [],
  );
  useFrame(({ camera }) => {
    const g = group.current;
    if (!g) return;
    camera.getWorldDirection(forward);
    forward.applyQuaternion(g.getWorldQuaternion(contentTurn).invert());
    const { yaw, pitch } = directionOf(forward);
    let hfov: number;
    let vfov: number;
    const eye = inXR ? gl.xr.getCamera().cameras[0] : undefined;
    if (eye) {
      // A headset eye's projection: its field from the matrix (symmetric enough for a dot and an outline).
      const m = eye.projectionMatrix.elements;
      hfov = MathUtils.radToDeg(2 * Math.atan(1 / m[0]));
      vfov = MathUtils.radToDeg(2 * Math.atan(1 / m[5]));
    } else {
      const cam = camera as PerspectiveCamera;
      vfov = cam.fov;
      hfov = MathUtils.radToDeg(2 * Math.atan(Math.tan(MathUtils.degToRad(vfov) / 2) * cam.aspect));
    }
    const now = (gazeNow.gaze ??= { yaw: 0, pitch: 0, hfov: 90, vfov: 90 });
    now.yaw = yaw;
    now.pitch = pitch;
    now.hfov = MathUtils.clamp(hfov, 1, 180);
    now.vfov = MathUtils.clamp(vfov, 1, 180);
    gazeFrame();
  });
  return <group ref={group} />;
}
