// The camera's remembered settings (resolution, frame rate, codec, maximum bitrate, adaptive quality), kept across
// reloads, and what follows from them: the capture preset and the bitrate to send.
import { useMemo, useState } from 'react';
import { bitrateFor, presets, type Preset } from './sources';

/** A camera setting remembered across reloads (the devices have their own, see useSourceChoice). */
function useStoredSetting(key: string, initial: string): [string, (value: string) => void] {
  const storageKey = `inclubit.camera.${key}`;
  const [value, setValue] = useState(() => localStorage.getItem(storageKey) ?? initial);
  const set = (next: string) => {
    setValue(next);
    localStorage.setItem(storageKey, next);
  };
  return [value, set];
}

export const FRAME_RATES = [30, 25, 24, 15] as const;

export interface CameraSettings {
  presetIndex: number;
  setPresetIndex: (value: string) => void;
  fps: number;
  setFps: (value: string) => void;
  /** Preferred codec (mimeType); '' = the room's first choice. */
  codec: string;
  setCodec: (value: string) => void;
  /** The teacher's own maximum, in Mbps; undefined = derived from the preset. */
  bitrateMbps: number | undefined;
  setBitrateMbps: (value: string) => void;
  /** Send layers (¼, ½ and full width) so each viewer gets the best its network carries; off: one. */
  adaptive: boolean;
  setAdaptive: (on: boolean) => void;
  /** Capture size and rate. */
  preset: Preset;
  /** What the video is sent at: the teacher's maximum, or enough for 2:1 equirect at this size and rate. */
  maxBitrate: number;
}

export function useCameraSettings(): CameraSettings {
  const [presetSetting, setPresetIndex] = useStoredSetting('preset', '2');
  const [fpsSetting, setFps] = useStoredSetting('fps', '30');
  const [codec, setCodec] = useStoredSetting('codec', '');
  const [bitrateSetting, setBitrateSetting] = useStoredSetting('bitrate', '');
  const [adaptiveSetting, setAdaptiveSetting] = useStoredSetting('adaptive', 'on');
  const presetIndex = Number(presetSetting);
  const fps = Number(fpsSetting);
  const bitrateMbps = Number(bitrateSetting) > 0 ? Number(bitrateSetting) : undefined;
  const size = presets[presetIndex] ?? presets[0]!;
  const preset = useMemo(() => ({ ...size, fps }), [size, fps]);
  return {
    presetIndex,
    setPresetIndex,
    fps,
    setFps,
    codec,
    setCodec,
    bitrateMbps,
    setBitrateMbps: (value) => setBitrateSetting(Number(value) > 0 ? value : ''),
    adaptive: adaptiveSetting !== 'off',
    setAdaptive: (on) => setAdaptiveSetting(on ? 'on' : 'off'),
    preset,
    maxBitrate: bitrateMbps ? bitrateMbps * 1e6 : bitrateFor(preset),
  };
}
