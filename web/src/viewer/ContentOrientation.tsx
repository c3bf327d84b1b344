import { useEffect, useRef, type ReactNode } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { useXR } from '@react-three/xr';
import type { Group } from 'three';
import { yawOf } from './projection';
import { recenter, useView } from './view-store';

// xr-standard gamepad mapping: 3 = thumbstick press, 4 = A (right) / X (left).
const RECENTER_BUTTONS = [3, 4];

/**
 * Turns the picture (about the vertical axis only, so the horizon stays level) so that the camera's front is
 * where the viewer looks: when a headset session starts, and on every Recenter request (page button,
 * A/X or thumbstick press). Outside a headset the look controls recenter instead.
 */
export function ContentOrientation({ children }: { children: ReactNode }) {
  const group = useRef<Group>(null);
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  const session = useXR((s) => s.session);
  const requests = useView((s) => s.recenterRequests);
  // Frames to wait before reading the head: the pose is applied to the camera during the first render.
  const pending = useRef(0);
  const pressed = useRef(new WeakMap<XRInputSource, boolean>());

  useEffect(() => {
    pending.current = 2;
    invalidate(2); // outside a headset the page draws on demand
  }, [session, requests, invalidate]);

  useFrame(() => {
    if (session) {
      // Index loops: nothing is allocated per frame.
      const sources = session.inputSources;
      for (let s = 0; s < sources.length; s++) {
        const source = sources[s]!;
        const buttons = source.gamepad?.buttons;
        let down = false;
        for (let b = 0; b < RECENTER_BUTTONS.length && buttons; b++)
          down ||= buttons[RECENTER_BUTTONS[b]!]?.pressed === true;
        if (down && !pressed.current.get(source)) recenter();
        pressed.current.set(source, down);
      }
    }
    if (pending.current === 0 || !group.current) return;
    if (--pending.current > 0) return;
    group.current.rotation.y = session ? yawOf(camera.quaternion) : 0;
  });

  return <group ref={group}>{children}</group>;
}
