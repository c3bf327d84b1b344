// The recordings library on the dashboard: every recording (room, start, duration, size, format, segments,
// how it ended and why), its files to download (MP4 with 360 metadata, and the Matroska/WebM original), a
// replay link to hand out, delete; and the space: used of the quota, and what the disk has free.
import { useState } from 'react';
import type { RecordingInfo, ReplayLink } from '@inclubit/sfu/protocol';
import { bytes, duration } from './format';
import { recordingFileUrl } from '../lib/recording-files';
import { deleteRecording, replayLink } from './recordings-api';
import { useRecordings } from './useRecordings';

const stateText: Record<RecordingInfo['state'], string> = {
  waiting: 'waiting for the camera',
  recording: 'recording',
  finished: 'finished',
  stopped: 'stopped',
  failed: 'failed',
};

const formatOf = (r: RecordingInfo) => {
  const codecs = new Set(r.segments.flatMap((s) => s.codecs).map((c) => c.split('/')[1]));
  return [...codecs].join(' + ') || '–';
};

const extension = (file: string) => file.slice(file.lastIndexOf('.') + 1).toUpperCase();

function RecordingRow({
  recording: r,
  token,
  onChanged,
}: {
  recording: RecordingInfo;
  token: string;
  onChanged: () => void;
}) {
  const [link, setLink] = useState<ReplayLink>();
  const [error, setError] = useState<string>();
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
  const running = r.state === 'waiting' || r.state === 'recording';
  const end = r.endedAt ?? Date.now();
  const size = r.segments.reduce((n, s) => n + s.bytes, 0);
  /** A link is made when first needed (a file's URL carries its token: a download cannot send headers). */
  const withLink = (then: (l: ReplayLink) => void) => {
    if (link && link.expiresAt > Date.now() + 60_000) return then(link);
    replayLink(token, r.id).then((l) => {
      setLink(l);
      then(l);
    }, fail);
  };
  return (
    <tr data-recording={r.id} data-state={r.state}>
      <td>{r.room}</td>
      <td>{new Date(r.startedAt).toLocaleString()}</td>
      <td>{duration(end - r.startedAt)}</td>
      <td data-testid="recording-size">{bytes(size)}</td>
      <td>
        {formatOf(r)} · {r.projection}
      </td>
      <td>{r.segments.length}</td>
      <td data-testid="recording-state">
        {stateText[r.state]}
        {r.reason && <span className="reason">: {r.reason}</span>}
      </td>
      <td className="files">
        {r.segments.flatMap((s, i) =>
          [s.mp4, s.file]
            .filter((file) => file !== undefined)
            .map((file) => (
              <button
                key={file}
                type="button"
                // The file being written is not offered until its segment ends.
                disabled={s.endedAt === undefined}
                onClick={() =>
                  withLink((l) =>
                    location.assign(recordingFileUrl(l.id, file, { token: l.token, download: true })),
                  )
                }
              >
                {r.segments.length > 1 ? `${i + 1}: ` : ''}
                {extension(file)}
              </button>
            )),
        )}
      </td>
      <td className="actions">
        <button type="button" disabled={r.segments.length === 0} onClick={() => withLink(setLink)}>
          Replay link
        </button>
        <button
          type="button"
          className="stop"
          disabled={running}
          onClick={() => {
            if (confirm(`Delete the recording of ${r.room} from ${new Date(r.startedAt).toLocaleString()}?`))
              deleteRecording(token, r.id).then(onChanged, fail);
          }}
        >
          Delete
        </button>
        {link && (
          <span className="replay-link">
            <input readOnly value={link.url} aria-label="replay link" onFocus={(e) => e.target.select()} />
            <a href={link.url} target="_blank" rel="noreferrer">
              Open
            </a>
          </span>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}

export function RecordingsCard({ token }: { token: string }) {
  const { library, error, refresh } = useRecordings(token);
  return (
    <section className="recordings" data-testid="recordings">
      <h2>Recordings</h2>
      {library && (
        <p data-testid="recordings-space">
          {bytes(library.usedBytes)} used of {bytes(library.quotaBytes)} · {bytes(library.freeBytes)} free on
          the disk
        </p>
      )}
      {error && <p className="error">{error}</p>}
      <table className="recordings-list">
        <thead>
          <tr>
            <th>Room</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Size</th>
            <th>Format</th>
            <th>Segments</th>
            <th>State</th>
            <th>Download</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {library?.recordings.map((r) => (
            <RecordingRow key={r.id} recording={r} token={token} onChanged={refresh} />
          ))}
          {library?.recordings.length === 0 && (
            <tr>
              <td colSpan={9}>No recordings yet.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
