// Which capture device the camera page uses. The teacher's last choice is remembered; device ids can change
// (another browser profile, a replug on some systems), so a device with the same name counts as the same one.
// When the chosen device is gone the page falls back (first device of the kind, else the built-in test
// source) and says so; when it comes back, the page returns to it.

export interface DeviceLike {
  deviceId: string;
  label: string;
}

/** What the teacher picked: a built-in source (test pattern, tone, none) or a device, by id and name. */
export interface Preference {
  deviceId: string;
  label: string;
}

export interface Choice {
  /** The deviceId (or built-in value) to open now. */
  value: string;
  /** The preferred device is not available; `value` is a stand-in. */
  fellBack: boolean;
}

export function chooseSource(
  preferred: Preference | undefined,
  devices: DeviceLike[],
  builtIn: readonly string[],
  fallback: string,
): Choice {
  const firstDevice = devices[0]?.deviceId ?? fallback;
  if (!preferred) return { value: firstDevice, fellBack: false };
  if (builtIn.includes(preferred.deviceId)) return { value: preferred.deviceId, fellBack: false };
  const same = devices.find((d) => d.deviceId === preferred.deviceId);
  if (same) return { value: same.deviceId, fellBack: false };
  const sameName = preferred.label ? devices.find((d) => d.label === preferred.label) : undefined;
  if (sameName) return { value: sameName.deviceId, fellBack: false };
  return { value: firstDevice, fellBack: true };
}

/** localStorage, tolerant of private modes and bad stored values. */
export const preferences = {
  load(key: string): Preference | undefined {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        'deviceId' in parsed &&
        typeof parsed.deviceId === 'string' &&
        'label' in parsed &&
        typeof parsed.label === 'string'
      )
        return { deviceId: parsed.deviceId, label: parsed.label };
    } catch {
      // Unreadable: as if nothing was saved.
    }
    return undefined;
  },
  save(key: string, preference: Preference): void {
    try {
      localStorage.setItem(key, JSON.stringify(preference));
    } catch {
      // Storage full or disabled: the choice holds for this visit only.
    }
  },
};
