// The classroom's side of talkback: who is watching (by name), whose microphone is open, a level meter for
// each voice, a mute per viewer, and the room's policy. Every received voice plays through one element, so
// the room hears one mixed output; the camera's own sound is never received back.
import { useEffect, useMemo, useRef, useState } from 'react';
import { TalkbackMode, type AudienceMember, type PeerId, type Talkback } from '@inclubit/sfu/protocol';
import type { CameraBroadcast } from './camera-broadcast';
import type { Voice } from './talkback-receiver';

const modeLabels: Record<TalkbackMode, string> = {
  off: 'Off',
  'push-to-talk': 'Push to talk',
  open: 'Open microphones',
};

/** Polls each voice's received level while there are voices. */
function useVoiceLevels(broadcast: CameraBroadcast | undefined, voices: Voice[]): Map<PeerId, number> {
  const [levels, setLevels] = useState(new Map<PeerId, number>());
  useEffect(() => {
    if (!broadcast || voices.length === 0) return setLevels(new Map());
    const timer = setInterval(() => {
      broadcast.voiceLevels().then(setLevels, (e: unknown) => console.debug('levels not read', e));
    }, 250);
    return () => clearInterval(timer);
  }, [broadcast, voices]);
  return levels;
}

export function ClassroomPanel({
  broadcast,
  audience,
  policy,
  voices,
}: {
  broadcast: CameraBroadcast | undefined;
  audience: AudienceMember[];
  policy: Talkback;
  voices: Voice[];
}) {
  const speaker = useRef<HTMLAudioElement>(null);
  const mixed = useMemo(() => new MediaStream(voices.map((v) => v.track)), [voices]);
  useEffect(() => {
    const el = speaker.current;
    if (!el) return;
    el.srcObject = mixed;
    if (voices.length) el.play().catch((e: unknown) => console.warn('talkback playback failed', e));
  }, [mixed, voices.length]);
  const levels = useVoiceLevels(broadcast, voices);
  const set = (next: Talkback) => void broadcast?.setTalkback(next).catch(console.error);

  return (
    <section className="classroom" aria-label="classroom">
      <h2>Watching ({audience.length})</h2>
      <audio ref={speaker} autoPlay data-testid="talkback-output" />
      <div className="talkback-policy">
        <label>
          Talkback
          <select
            data-testid="talkback-mode"
            value={policy.mode}
            disabled={!broadcast}
            onChange={(e) => set({ ...policy, mode: TalkbackMode.parse(e.target.value) })}
          >
            {TalkbackMode.options.map((m) => (
              <option key={m} value={m}>
                {modeLabels[m]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input
            type="checkbox"
            data-testid="talkback-hear"
            checked={policy.viewersHearEachOther}
            disabled={!broadcast}
            onChange={(e) => set({ ...policy, viewersHearEachOther: e.target.checked })}
          />
          Viewers hear each other
        </label>
      </div>
      <ul className="audience">
        {audience.map((v) => {
          const level = v.talkback === 'live' ? (levels.get(v.peerId) ?? 0) : 0;
          return (
            <li
              key={v.peerId}
              data-peer-id={v.peerId}
              data-name={v.displayName ?? ''}
              data-talkback={v.talkback}
              data-level={level.toFixed(3)}
              data-shares-gaze={v.sharesGaze}
            >
              <span className="name">{v.displayName ?? 'Viewer'}</span>
              {!v.sharesGaze && (
                <span className="private" title="does not share where they look">
                  view private
                </span>
              )}
              <meter min={0} max={1} value={level} aria-label={`${v.displayName ?? 'viewer'} level`} />
              <span className="state">
                {v.talkback === 'live' ? 'talking' : v.talkback === 'muted' ? 'muted' : ''}
              </span>
              <button
                type="button"
                disabled={v.talkback !== 'live'}
                onClick={() => void broadcast?.muteViewer(v.peerId).catch(console.error)}
              >
                Mute
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
