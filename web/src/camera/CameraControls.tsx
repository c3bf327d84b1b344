// The camera page's settings: sources, capture size and rate, codec, bitrate, projection, sound, and the
// Go live / Stop button. State lives in the page's hooks; this only shows it and reports choices.
import { Projection } from '@inclubit/sfu/protocol';
import { DeviceSelect } from './DeviceSelect';
import { BUSY_PATTERN, NO_AUDIO, PATTERN, TONE, bitrateFor, presets, type DeviceLists } from './sources';
import { FRAME_RATES, type CameraSettings } from './useCameraSettings';
import type { SourceChoice } from './useDevices';

const projectionChoices: [Projection, string][] = [
  ['mono-360', '360° mono (equirectangular)'],
  ['stereo-360-tb', '360° stereo, top-bottom'],
  ['stereo-360-sbs', '360° stereo, side-by-side'],
  ['stereo-180-sbs', '180° stereo, side-by-side (VR180)'],
  ['mono-180', '180° mono'],
];

export interface CameraControlsProps {
  devices: DeviceLists | undefined;
  videoSource: SourceChoice;
  audioSource: SourceChoice;
  settings: CameraSettings;
  /** Codecs this browser and the room share (known once live). */
  codecs: string[];
  projection: Projection;
  onProjection: (p: Projection) => void;
  swapEyes: boolean;
  onSwapEyes: (swap: boolean) => void;
  micLevel: number;
  muted: boolean;
  onToggleMute: () => void;
  hasAudio: boolean;
  canGoLive: boolean;
  broadcasting: boolean;
  onGoLive: () => void;
  onStop: () => void;
}

export function CameraControls(p: CameraControlsProps) {
  const s = p.settings;
  return (
    <section className="controls">
      <label>
        Video source
        <DeviceSelect
          testId="video-source"
          value={p.videoSource.choice?.value}
          onChange={p.videoSource.choose}
          builtIn={[
            [PATTERN, 'Test pattern (no camera needed)'],
            [BUSY_PATTERN, 'Busy test pattern (fills the bitrate, for network tests)'],
          ]}
          devices={p.devices?.video ?? []}
          unnamed="Camera"
        />
      </label>
      <label>
        Resolution
        <select
          data-testid="resolution"
          value={s.presetIndex}
          onChange={(e) => s.setPresetIndex(e.target.value)}
        >
          {presets.map((preset, i) => (
            <option key={preset.label} value={i}>
              {preset.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Frame rate
        <select data-testid="frame-rate" value={s.fps} onChange={(e) => s.setFps(e.target.value)}>
          {FRAME_RATES.map((r) => (
            <option key={r} value={r}>
              {r} fps
            </option>
          ))}
        </select>
      </label>
      <label>
        Codec
        <select data-testid="codec" value={s.codec} onChange={(e) => s.setCodec(e.target.value)}>
          <option value="">Automatic (H264 first)</option>
          {p.codecs.map((c) => (
            <option key={c} value={c}>
              {c.split('/')[1]}
            </option>
          ))}
        </select>
      </label>
      <label
        className="inline"
        title="Sends the picture also at ½ and ¼ size, so that viewers on a weak network get a smaller picture instead of freezes. Off for a weak camera laptop."
      >
        <input
          data-testid="adaptive-quality"
          type="checkbox"
          checked={s.adaptive}
          onChange={(e) => s.setAdaptive(e.target.checked)}
        />
        Adaptive quality
      </label>
      <label>
        Max bitrate (Mbps)
        <input
          data-testid="max-bitrate"
          type="number"
          min={0.5}
          max={50}
          step={0.5}
          placeholder={(bitrateFor(s.preset) / 1e6).toFixed(1)}
          value={s.bitrateMbps ?? ''}
          onChange={(e) => s.setBitrateMbps(e.target.value)}
        />
      </label>
      <label>
        Projection
        <select
          data-testid="projection"
          value={p.projection}
          onChange={(e) => p.onProjection(Projection.parse(e.target.value))}
        >
          {projectionChoices.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" checked={p.swapEyes} onChange={(e) => p.onSwapEyes(e.target.checked)} />
        Eyes swapped (right eye on top / left)
      </label>
      <label>
        Sound source
        <DeviceSelect
          testId="audio-source"
          value={p.audioSource.choice?.value}
          onChange={p.audioSource.choose}
          builtIn={[
            [TONE, 'Test tone (beep each second)'],
            [NO_AUDIO, 'No sound'],
          ]}
          devices={p.devices?.audio ?? []}
          unnamed="Microphone"
        />
      </label>
      <div className="mic">
        <meter
          data-testid="mic-level"
          min={0}
          max={1}
          value={p.muted ? 0 : p.micLevel}
          aria-label="microphone level"
        />
        <button type="button" onClick={p.onToggleMute} disabled={!p.hasAudio}>
          {p.muted ? 'Unmute mic' : 'Mute mic'}
        </button>
      </div>
      <div className="actions">
        {p.broadcasting ? (
          <button type="button" className="stop" onClick={p.onStop}>
            Stop
          </button>
        ) : (
          <button type="button" className="go-live" onClick={p.onGoLive} disabled={!p.canGoLive}>
            Go live
          </button>
        )}
      </div>
    </section>
  );
}
