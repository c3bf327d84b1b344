import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { MathUtils, type PerspectiveCamera } from 'three';

const MIN_FOV = 30;
const MAX_FOV = 100;
const MAX_PITCH = MathUtils.degToRad(85);

/**
 * Look around without a headset: drag to turn (the picture follows the pointer, like grabbing it),
 * wheel to zoom, arrow keys to step. Only orientation changes; the viewer never moves.
 */
export function LookControls() {
  const { camera, gl } = useThree();
  const look = useRef({ yaw: 0, pitch: 0, fov: 75, dirty: true });

  useEffect(() => {
    const el = gl.domElement;
    const cam = camera as PerspectiveCamera;
    let drag: { x: number; y: number; id: number } | undefined;
    const degPerPixel = () => {
      const vFov = cam.fov;
      const hFov = MathUtils.radToDeg(2 * Math.atan(Math.tan(MathUtils.degToRad(vFov) / 2) * cam.aspect));
      return { h: hFov / el.clientWidth, v: vFov / el.clientHeight };
    };
    const turn = (dYawDeg: number, dPitchDeg: number) => {
      const l = look.current;
      l.yaw += MathUtils.degToRad(dYawDeg);
      l.pitch = MathUtils.clamp(l.pitch + MathUtils.degToRad(dPitchDeg), -MAX_PITCH, MAX_PITCH);
      l.dirty = true;
    };
    const down = (e: PointerEvent) => {
      drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
      el.setPointerCapture(e.pointerId);
    };
    const move = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.id) return;
      const k = degPerPixel();
      turn((e.clientX - drag.x) * k.h, (e.clientY - drag.y) * k.v);
      drag.x = e.clientX;
      drag.y = e.clientY;
    };
    const up = (e: PointerEvent) => {
      if (drag?.id === e.pointerId) drag = undefined;
    };
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const l = look.current;
      l.fov = MathUtils.clamp(l.fov + e.deltaY * 0.05, MIN_FOV, MAX_FOV);
      l.dirty = true;
    };
    const key = (e: KeyboardEvent) => {
      const step = { ArrowLeft: [5, 0], ArrowRight: [-5, 0], ArrowUp: [0, 5], ArrowDown: [0, -5] }[e.key];
      if (step) turn(step[0]!, step[1]!);
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
  }, [camera, gl]);

  useFrame(() => {
    const l = look.current;
    if (!l.dirty) return;
    l.dirty = false;
    const cam = camera as PerspectiveCamera;
    cam.rotation.set(l.pitch, l.yaw, 0, 'YXZ');
    if (cam.fov !== l.fov) {
      cam.fov = l.fov;
      cam.updateProjectionMatrix();
    }
  });
  return null;
}
