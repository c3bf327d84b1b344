// The camera page's devices: what the browser lists (again on plug and unplug), and the remembered choice
// of each kind, with a stand-in while it is unplugged (device-choice.ts decides).
import { useEffect, useMemo, useState } from 'react';
import { listDevices, type DeviceLists } from './sources';
import { chooseSource, preferences, type Choice, type Preference } from './device-choice';

/** The browser's devices, listed again whenever one is plugged in or out; undefined until first listed. */
export function useDevices(): DeviceLists | undefined {
  const [devices, setDevices] = useState<DeviceLists>();
  useEffect(() => {
    let cancelled = false;
    const refresh = () => {
      listDevices().then(
        (found) => !cancelled && setDevices(found),
        () => !cancelled && setDevices({ video: [], audio: [] }),
      );
    };
    refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => {
      cancelled = true;
      navigator.mediaDevices?.removeEventListener('devicechange', refresh);
    };
  }, []);
  return devices;
}

export interface SourceChoice {
  choice: Choice | undefined;
  choose: (value: string) => void;
  preferred: Preference | undefined;
}

/**
 * The source of one kind: the remembered choice while it is plugged in, a stand-in while it is not (and back
 * to it when it returns); a new choice is remembered with the device's name.
 */
export function useSourceChoice(
  key: string,
  devices: MediaDeviceInfo[] | undefined,
  builtIn: readonly string[],
  fallback: string,
): SourceChoice {
  const [preferred, setPreferred] = useState(() => preferences.load(key));
  const choice = useMemo(
    () => (devices ? chooseSource(preferred, devices, builtIn, fallback) : undefined),
    [devices, preferred, builtIn, fallback],
  );
  const choose = (value: string) => {
    const next = { deviceId: value, label: devices?.find((d) => d.deviceId === value)?.label ?? '' };
    preferences.save(key, next);
    setPreferred(next);
  };
  return { choice, choose, preferred };
}
