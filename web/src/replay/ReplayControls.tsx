import type { RecordingInfo } from '@inclubit/sfu/protocol';
import { ImmersiveButtons } from '../viewer/ImmersiveButtons';
import type { Replay } from './useReplay';

const clock = (seconds: number) => {
  if (!Number.isFinite(seconds)) return '–:––';
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Play/pause, the position (drag to seek), the segment, and the view buttons live viewing has too. */
export function ReplayControls({ replay, info }: { replay: Replay; info: RecordingInfo }) {
  const known = Number.isFinite(replay.duration);
  return (
    <nav className="viewer-controls replay-controls" aria-label="replay controls">
      <button type="button" className="play" onClick={replay.toggle} disabled={!replay.src}>
        {replay.playing ? 'Pause' : 'Play'}
      </button>
      <input
        type="range"
        aria-label="position"
        min={0}
        max={known ? replay.duration : 0}
        step={0.1}
        value={replay.time}
        disabled={!known}
        onChange={(e) => replay.seek(Number(e.target.value))}
      />
      <span data-testid="replay-time">
        {clock(replay.time)} / {clock(replay.duration)}
      </span>
      {info.segments.length > 1 && (
        <select
          aria-label="segment"
          value={replay.segment}
          onChange={(e) => replay.chooseSegment(Number(e.target.value))}
        >
          {info.segments.map((s, i) => (
            <option key={s.file} value={i}>
              Part {i + 1} of {info.segments.length}
            </option>
          ))}
        </select>
      )}
      <ImmersiveButtons />
    </nav>
  );
}
