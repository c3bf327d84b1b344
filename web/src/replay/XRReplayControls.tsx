import { useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { useXR } from '@react-three/xr';
import { centred, stickStep, type StickState } from './stick-steps';

// xr-standard gamepad mapping: button 0 = trigger; axes 2/3 = thumbstick x/y.
const TRIGGER = 0;
const STICK_X = 2;
/** How far one thumbstick step seeks. */
export const SEEK_STEP_S = 10;

/**
 * Replay in a headset: a controller's trigger plays or pauses, its thumbstick seeks (right: forward, left:
 * back; held: again every half second). Read from the gamepads each frame, like recenter and push-to-talk.
 */
export function XRReplayControls({
  onToggle,
  onSeekBy,
}: {
  onToggle: () => void;
  onSeekBy: (seconds: number) => void;
}) {
  const session = useXR((s) => s.session);
  const pressed = useRef(new WeakMap<XRInputSource, boolean>());
  const sticks = useRef(new WeakMap<XRInputSource, StickState>());
  useFrame(() => {
    if (!session) return;
    const now = performance.now();
    const sources = session.inputSources;
    for (let s = 0; s < sources.length; s++) {
      const source = sources[s]!;
      const pad = source.gamepad;
      if (!pad) continue;
      const down = pad.buttons[TRIGGER]?.pressed === true;
      if (down && !pressed.current.get(source)) onToggle();
      pressed.current.set(source, down);
      const { step, state } = stickStep(sticks.current.get(source) ?? centred, pad.axes[STICK_X] ?? 0, now);
      sticks.current.set(source, state);
      if (step !== 0) onSeekBy(step * SEEK_STEP_S);
    }
  });
  return null;
}
