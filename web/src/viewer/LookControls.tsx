import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { useXR } from '@react-three/xr';
import { Euler, MathUtils, Quaternion, Vector3, type PerspectiveCamera } from 'three';
import { yawOf } from './projection';
import { useView } from './view-store';

export const DEFAULT_FOV = 75;
const MIN_FOV = 30;
const MAX_FOV = 100;
const MAX_PITCH = MathUtils.degToRad(85);

/** Turns the view by `dx`/`dy` pixels of drag: the picture follows the pointer, as if grabbed. */
export function dragToTurn(
  dx: number,
  dy: number,
  width: number,
  height: number,
  vFovDeg: number,
  aspect: number,
) {
  const hFov = 2 * Math.atan(Math.tan(MathUtils.degToRad(vFovDeg) / 2) * aspect);
  return { yaw: (dx / width) * hFov, pitch: (dy / height) * MathUtils.degToRad(vFovDeg) };
}

interface Look {
  yaw: number;
  pitch: number;
  fov: number;
  /** Latest phone orientation (null when not in use), and the yaw that puts the front ahead. */
  device: Quaternion | null;
  deviceYawOffset: number;
}

/**
 * Looking around without a headset: drag (mouse or one finger), pinch or wheel to zoom, arrow keys, and on
 * phones the device's own orientation. Only orientation changes; the viewer never moves. Off in a headset.
 */
export function LookControls({ deviceOrientation }: { deviceOrientation: boolean }) {
  const { camera, gl, invalidate } = useThree();
  const inXR = useXR((s) => s.session != null);
  const recenterRequests = useView((s) => s.recenterRequests);
  const look = useRef<Look>({ yaw: 0, pitch: 0, fov: DEFAULT_FOV, device: null, deviceYawOffset: 0 });

  useEffect(() => {
    const l = look.current;
    l.yaw = 0;
    l.pitch = 0;
    l.fov = DEFAULT_FOV;
    l.deviceYawOffset = l.device ? -yawOf(l.device) : 0;
    invalidate();
  }, [recenterRequests, invalidate]);

  useEffect(() => {
    if (inXR) return;
    const el = gl.domElement;
    const cam = camera as PerspectiveCamera;
    const pointers = new Map<number, { x: number; y: number }>();
    let pinch: { distance: number; fov: number } | undefined;
    const l = look.current;
    const distance = () => {
      const [a, b] = [...pointers.values()];
      return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    };
    const down = (e: PointerEvent) => {
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      el.setPointerCapture(e.pointerId);
      if (pointers.size === 2) pinch = { distance: distance(), fov: l.fov };
    };
    const move = (e: PointerEvent) => {
      const last = pointers.get(e.pointerId);
      if (!last) return;
      const dx = e.clientX - last.x;
      const dy = e.clientY - last.y;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      invalidate(); // the page draws on demand
      if (pinch && pointers.size === 2) {
        l.fov = MathUtils.clamp((pinch.fov * pinch.distance) / Math.max(1, distance()), MIN_FOV, MAX_FOV);
        return;
      }
      const turn = dragToTurn(dx, dy, el.clientWidth, el.clientHeight, cam.fov, cam.aspect);
      if (l.device) l.deviceYawOffset += turn.yaw;
      else l.yaw += turn.yaw;
      l.pitch = MathUtils.clamp(l.pitch + turn.pitch, -MAX_PITCH, MAX_PITCH);
    };
    const up = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      if (pointers.size < 2) pinch = undefined;
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      l.fov = MathUtils.clamp(l.fov + e.deltaY * 0.05, MIN_FOV, MAX_FOV);
      invalidate();
    };
    const key = (e: KeyboardEvent) => {
      const step = MathUtils.degToRad(5);
      if (e.key === 'ArrowLeft') l.yaw += step;
      else if (e.key === 'ArrowRight') l.yaw -= step;
      else if (e.key === 'ArrowUp') l.pitch = Math.min(MAX_PITCH, l.pitch + step);
      else if (e.key === 'ArrowDown') l.pitch = Math.max(-MAX_PITCH, l.pitch - step);
      else if (e.key === '+' || e.key === '=') l.fov = Math.max(MIN_FOV, l.fov - 5);
      else if (e.key === '-') l.fov = Math.min(MAX_FOV, l.fov + 5);
      else return;
      invalidate();
    };
    el.style.touchAction = 'none';
    el.addEventListener('pointerdown', down);
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    el.addEventListener('wheel', wheel, { passive: false });
    window.addEventListener('keydown', key);
    return () => {
      el.removeEventListener('pointerdown', down);
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      el.removeEventListener('pointercancel', up);
      el.removeEventListener('wheel', wheel);
      window.removeEventListener('keydown', key);
    };
  }, [camera, gl, inXR, invalidate]);

  useEffect(() => {
    if (!deviceOrientation || inXR) return;
    const l = look.current;
    const onOrientation = (e: DeviceOrientationEvent) => {
      if (e.alpha === null || e.beta === null || e.gamma === null) return;
      const first = l.device === null;
      l.device = deviceQuaternion(
        e.alpha,
        e.beta,
        e.gamma,
        screen.orientation?.angle ?? 0,
        l.device ?? new Quaternion(),
      );
      // The phone's heading when it starts steering becomes "front".
      if (first) l.deviceYawOffset = -yawOf(l.device);
      invalidate();
    };
    window.addEventListener('deviceorientation', onOrientation);
    return () => {
      window.removeEventListener('deviceorientation', onOrientation);
      l.device = null;
    };
  }, [deviceOrientation, inXR, invalidate]);

  const yawTurn = useRef(new Quaternion());
  useFrame(() => {
    if (inXR) return;
    const l = look.current;
    const cam = camera as PerspectiveCamera;
    if (l.device) {
      cam.quaternion.copy(yawTurn.current.setFromAxisAngle(UP, l.deviceYawOffset)).multiply(l.device);
    } else {
      cam.rotation.set(l.pitch, l.yaw, 0, 'YXZ');
    }
    if (cam.fov !== l.fov) {
      cam.fov = l.fov;
      cam.updateProjectionMatrix();
    }
  });
  return null;
}

const UP = new Vector3(0, 1, 0);
const euler = new Euler();
const screenTransform = new Quaternion();
// The device looks out of its back, not its top: a quarter turn about x maps one onto the other.
const deviceToCamera = new Quaternion(-Math.sqrt(0.5), 0, 0, Math.sqrt(0.5));
const forward = new Vector3(0, 0, 1);

/** W3C DeviceOrientation angles (degrees) and screen angle to a camera orientation, into `out`. */
function deviceQuaternion(alpha: number, beta: number, gamma: number, screenAngle: number, out: Quaternion) {
  euler.set(MathUtils.degToRad(beta), MathUtils.degToRad(alpha), -MathUtils.degToRad(gamma), 'YXZ');
  out.setFromEuler(euler).multiply(deviceToCamera);
  return out.multiply(screenTransform.setFromAxisAngle(forward, -MathUtils.degToRad(screenAngle)));
}

/** iOS asks for motion permission from a user gesture; elsewhere it is granted. */
export async function requestOrientationPermission(): Promise<boolean> {
  const ctor = window.DeviceOrientationEvent as unknown as
    { requestPermission?: () => Promise<string> } | undefined;
  if (!ctor) return false;
  if (typeof ctor.requestPermission !== 'function') return true;
  return (await ctor.requestPermission()) === 'granted';
}
