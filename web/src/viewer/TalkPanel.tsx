// The pupil's side of talkback: a name the classroom sees, and a Talk button that follows the room's policy
// (hold to talk, or toggle when open). Inside VR, a controller's squeeze is push-to-talk (XRPushToTalk).
import { useState } from 'react';
import type { ViewerConnection } from './viewer-connection';
import type { VoiceState } from './viewer-voice';
import { rememberedName } from './useViewer';

const modeHint = {
  off: 'Talkback is off',
  'push-to-talk': 'Hold to talk',
  open: 'Click to talk',
} as const;

export function TalkPanel({
  connection,
  voice,
  setName,
}: {
  connection: ViewerConnection | undefined;
  voice: VoiceState;
  setName: (name: string) => void;
}) {
  const [name, setNameField] = useState(rememberedName);
  const mode = voice.policy.mode;
  const talk = (on: boolean) => void connection?.setTalking(on);
  const hold = mode === 'push-to-talk';

  return (
    <section className="talk-panel" aria-label="talk to the classroom">
      <label>
        Your name{' '}
        <input
          data-testid="display-name"
          value={name}
          maxLength={64}
          placeholder="shown to the classroom"
          onChange={(e) => setNameField(e.target.value)}
          onBlur={() => setName(name)}
          onKeyDown={(e) => e.key === 'Enter' && setName(name)}
        />
      </label>
      <button
        type="button"
        data-testid="talk"
        data-on={voice.on}
        data-mode={mode}
        aria-pressed={voice.on}
        className={voice.on ? 'talk on' : 'talk'}
        // Hold to talk: pressing starts, releasing (or sliding off) stops. Otherwise a toggle.
        onPointerDown={hold ? () => talk(true) : undefined}
        onPointerUp={hold ? () => talk(false) : undefined}
        onPointerLeave={hold && voice.on ? () => talk(false) : undefined}
        onClick={hold ? undefined : () => talk(!voice.on)}
      >
        {voice.on ? '🎙 Talking' : '🎙 Talk'} <span className="hint">{modeHint[mode]}</span>
      </button>
      {voice.notice && (
        <p className="notice" data-testid="talk-notice" role="status">
          {voice.notice}
        </p>
      )}
    </section>
  );
}
