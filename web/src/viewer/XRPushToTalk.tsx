import { useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { useXR } from '@react-three/xr';

// xr-standard gamepad mapping: 1 = squeeze (grip).
const SQUEEZE = 1;

/**
 * Push-to-talk inside a headset: talking while any controller's grip is squeezed. Read from the gamepads
 * each frame, like the recenter buttons, so it works the same on every runtime.
 */
export function XRPushToTalk({ enabled, onTalk }: { enabled: boolean; onTalk: (on: boolean) => void }) {
  const session = useXR((s) => s.session);
  const talking = useRef(false);
  useFrame(() => {
    if (!session || !enabled) return;
    let down = false;
    const sources = session.inputSources;
    for (let s = 0; s < sources.length; s++) down ||= sources[s]!.gamepad?.buttons[SQUEEZE]?.pressed === true;
    if (down === talking.current) return;
    talking.current = down;
    onTalk(down);
  });
  return null;
}
