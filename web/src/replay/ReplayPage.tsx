// A recording in the same viewer as a live room: projection and stereo from the recording, WebXR (sphere or
// media layer), recenter, desktop drag; play, pause and seek on the page and in the headset. Opened by a
// replay link (/replay/<id>?t=…) or, for a room whose replays are public, by its address alone.
import { useEffect, useMemo, useState } from 'react';
import { RecordingInfo, segmentLayout, type RecordingId, type StreamInfo } from '@inclubit/sfu/protocol';
import { callApi } from '../lib/http-api';
import { SphereScene } from '../viewer/SphereScene';
import { ReplayControls } from './ReplayControls';
import { XRReplayControls } from './XRReplayControls';
import { useReplay } from './useReplay';

export function ReplayPage({ id }: { id: RecordingId }) {
  const token = useMemo(() => new URLSearchParams(location.search).get('t') ?? undefined, []);
  const [info, setInfo] = useState<RecordingInfo>();
  const [error, setError] = useState<string>();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  useEffect(() => {
    const query = token ? `?t=${encodeURIComponent(token)}` : '';
    callApi(`/api/recordings/${id}${query}`, { method: 'GET' }, RecordingInfo).then(setInfo, (e: unknown) =>
      setError(e instanceof Error ? e.message : String(e)),
    );
  }, [id, token]);
  const replay = useReplay(video, info, token);
  // Each segment as it was laid out (a layout change starts a new segment).
  const segment = info?.segments[replay.segment];
  const stream = useMemo<StreamInfo | undefined>(() => {
    if (!info) return undefined;
    return segment ? segmentLayout(segment, info) : { projection: info.projection, swapEyes: info.swapEyes };
  }, [info, segment]);
  const problem =
    error ?? replay.error ?? (info?.segments.length === 0 ? 'This recording has no picture yet' : undefined);

  return (
    <main
      className="watch-page replay-page"
      data-state={problem ? 'error' : replay.playing ? 'playing' : replay.hasPicture ? 'paused' : 'loading'}
      data-projection={stream?.projection}
    >
      <video ref={setVideo} className="media-sink" playsInline preload="auto" src={replay.src} />
      {stream && (
        <SphereScene video={replay.hasPicture ? video : null} stream={stream} deviceOrientation={false}>
          <XRReplayControls onToggle={replay.toggle} onSeekBy={replay.seekBy} />
        </SphereScene>
      )}
      {(problem || !replay.hasPicture) && (
        <div className="overlay" role="status">
          <p>{problem ? 'Cannot replay this recording' : 'Loading the recording…'}</p>
          {problem && <p className="detail">{problem}</p>}
        </div>
      )}
      {info && (
        <div className="replay-title">
          Recording of <code>{info.room}</code>, {new Date(info.startedAt).toLocaleString()}
        </div>
      )}
      {info && <ReplayControls replay={replay} info={info} />}
    </main>
  );
}
