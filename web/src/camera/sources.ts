// Where the camera page's tracks come from: a real device, or the built-in test pattern / test tone.
import type { Projection } from '@inclubit/sfu/protocol';
import { createTestPattern } from './test-pattern';
import { createTestTone } from './test-tone';

export interface Preset {
  label: string;
  width: number;
  height: number;
  fps: number;
}

/** 2:1 equirectangular sizes, up to what RICOH THETA and Insta360 deliver in webcam mode. */
export const presets: Preset[] = [
  { label: '4K 3840×1920', width: 3840, height: 1920, fps: 30 },
  { label: '2.9K 2880×1440', width: 2880, height: 1440, fps: 30 },
  { label: 'HD 1920×960', width: 1920, height: 960, fps: 30 },
  { label: 'SD 1280×640', width: 1280, height: 640, fps: 30 },
  // For a weak uplink (or a weak laptop encoding in software).
  { label: 'Low 960×480', width: 960, height: 480, fps: 30 },
];

export const PATTERN = 'pattern';
/** The test pattern with moving grain: the encoder spends its whole bitrate, as on a real, busy scene. */
export const BUSY_PATTERN = 'pattern-busy';
export const TONE = 'tone';
export const NO_AUDIO = 'none';

export interface Source {
  track: MediaStreamTrack;
  stop(): void;
}

const fromStream = (track: MediaStreamTrack | undefined, what: string): Source => {
  if (!track) throw new Error(`the ${what} gave no track`);
  return { track, stop: () => track.stop() };
};

/** `choice` is PATTERN, BUSY_PATTERN or a videoinput deviceId; the test pattern is drawn in the announced projection. */
export async function openVideo(choice: string, preset: Preset, projection: Projection): Promise<Source> {
  if (choice === PATTERN || choice === BUSY_PATTERN) {
    const grain = choice === BUSY_PATTERN;
    return createTestPattern(preset.width, preset.height, preset.fps, projection, { grain });
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    video: {
      deviceId: { exact: choice },
      width: { ideal: preset.width },
      height: { ideal: preset.height },
      frameRate: { ideal: preset.fps },
    },
  });
  const source = fromStream(stream.getVideoTracks()[0], 'camera');
  // 360 frames are judged by their detail (text on a whiteboard), not motion smoothness.
  source.track.contentHint = 'detail';
  return source;
}

/** `choice` is TONE, NO_AUDIO or an audioinput deviceId. */
export async function openAudio(choice: string): Promise<Source | undefined> {
  if (choice === NO_AUDIO) return undefined;
  if (choice === TONE) return createTestTone();
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      deviceId: { exact: choice },
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  });
  return fromStream(stream.getAudioTracks()[0], 'microphone');
}

export interface DeviceLists {
  video: MediaDeviceInfo[];
  audio: MediaDeviceInfo[];
}

/** Asks for permission once (labels stay empty without it), then lists the devices. */
export async function listDevices(): Promise<DeviceLists> {
  let devices = await navigator.mediaDevices.enumerateDevices();
  if (devices.some((d) => d.deviceId === '' || d.label === '')) {
    try {
      const probe = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      probe.getTracks().forEach((t) => t.stop());
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      // No camera, or permission refused: the test pattern and test tone remain.
    }
  }
  const real = (kind: MediaDeviceKind) => devices.filter((d) => d.kind === kind && d.deviceId !== '');
  return { video: real('videoinput'), audio: real('audioinput') };
}

/** A bitrate that keeps 2:1 equirect sharp: ~0.07 bit per pixel per frame (≈15 Mbps at 4K30). */
export function bitrateFor(preset: Preset): number {
  return Math.round(preset.width * preset.height * preset.fps * 0.07);
}
