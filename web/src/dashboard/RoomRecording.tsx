// A room's recording on the dashboard: whether it is recorded now, start and stop, and the room's settings
// (record automatically whenever its camera is live; replays public). Every refusal is shown, never lost.
import { useEffect, useState } from 'react';
import type { RecordingSettings, RecordingSettingsChange, RoomSummary } from '@inclubit/sfu/protocol';
import { RecMark } from '../app/RecMark';
import { changeRecordingSettings, recordingSettings, startRecording, stopRecording } from './recordings-api';

export function RoomRecording({ room, token }: { room: RoomSummary; token: string }) {
  const [settings, setSettings] = useState<RecordingSettings>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = room.room;

  useEffect(() => {
    recordingSettings(token, id).then(setSettings, (e: unknown) => setError(String(e)));
  }, [token, id]);

  const run = (p: Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    p.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e))).finally(() =>
      setBusy(false),
    );
  };
  const change = (c: RecordingSettingsChange) => run(changeRecordingSettings(token, id, c).then(setSettings));

  return (
    <div className="room-recording" data-testid="room-recording" data-recording={room.recording}>
      {room.recording && <RecMark />}
      {room.recording ? (
        <button type="button" className="stop" disabled={busy} onClick={() => run(stopRecording(token, id))}>
          Stop recording
        </button>
      ) : (
        <button type="button" disabled={busy} onClick={() => run(startRecording(token, id))}>
          Record
        </button>
      )}
      <label className="inline">
        <input
          type="checkbox"
          checked={settings?.autoRecord ?? false}
          disabled={!settings || busy}
          onChange={(e) => change({ autoRecord: e.target.checked })}
        />
        Record whenever the camera is live
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={settings?.publicReplays ?? false}
          disabled={!settings || busy}
          onChange={(e) => change({ publicReplays: e.target.checked })}
        />
        Replays public
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
