import { Projection, Quality, type StreamInfo } from '@inclubit/sfu/protocol';
import { chooseQuality, useView, viewStore } from './view-store';
import { ImmersiveButtons } from './ImmersiveButtons';
import { requestOrientationPermission } from './LookControls';
import { projectionLabels } from '../lib/projection-labels';

const qualityLabels: Record<Quality, string> = {
  auto: 'Quality: auto',
  high: 'Quality: high',
  medium: 'Quality: medium',
  low: 'Quality: low',
};

const touchDevice = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;

export function ViewerControls({
  announced,
  orientationOn,
  onOrientation,
}: {
  announced: StreamInfo;
  orientationOn: boolean;
  onOrientation: (on: boolean) => void;
}) {
  const override = useView((s) => s.projectionOverride);
  const quality = useView((s) => s.quality);
  const { volume, muted, showStats } = useView((s) => s);

  const toggleOrientation = async () => {
    if (orientationOn) return onOrientation(false);
    onOrientation(await requestOrientationPermission());
  };

  return (
    <nav className="viewer-controls" aria-label="viewer controls">
      <ImmersiveButtons />
      {touchDevice && (
        <button type="button" aria-pressed={orientationOn} onClick={() => void toggleOrientation()}>
          Look with phone
        </button>
      )}
      <button
        type="button"
        aria-pressed={showStats}
        onClick={() => viewStore.setState((s) => ({ showStats: !s.showStats }))}
      >
        Stats
      </button>
      <select
        aria-label="projection"
        data-testid="projection-override"
        value={override ?? ''}
        onChange={(e) =>
          viewStore.setState({
            projectionOverride: e.target.value ? Projection.parse(e.target.value) : undefined,
          })
        }
      >
        <option value="">Auto ({projectionLabels[announced.projection]})</option>
        {Projection.options.map((p) => (
          <option key={p} value={p}>
            {projectionLabels[p]}
          </option>
        ))}
      </select>
      <select
        aria-label="picture quality"
        data-testid="quality"
        value={quality}
        onChange={(e) => chooseQuality(Quality.parse(e.target.value))}
      >
        {Quality.options.map((q) => (
          <option key={q} value={q}>
            {qualityLabels[q]}
          </option>
        ))}
      </select>
      <button
        type="button"
        aria-pressed={muted}
        onClick={() => viewStore.setState((s) => ({ muted: !s.muted }))}
      >
        {muted ? 'Unmute' : 'Mute'}
      </button>
      <input
        type="range"
        aria-label="volume"
        min={0}
        max={1}
        step={0.05}
        value={volume}
        onChange={(e) => viewStore.setState({ volume: Number(e.target.value), muted: false })}
      />
    </nav>
  );
}
