import { useEffect, useMemo, useState } from 'react';
import type { RoomId, StreamInfo } from '@inclubit/sfu/protocol';
import { RecMark } from '../app/RecMark';
import { useViewer } from './useViewer';
import { SphereScene } from './SphereScene';
import { ViewerControls } from './ViewerControls';
import { TalkPanel } from './TalkPanel';
import { XRPushToTalk } from './XRPushToTalk';
import { XRRecMark } from './XRRecMark';
import { StatsOverlay, useReceiveStats } from './StatsOverlay';
import { useView } from './view-store';
import { GazeProbe } from '../presence/GazeProbe';
import { GazeSharing } from '../presence/GazeSharing';
import { LookCue } from '../presence/LookCue';

const phaseText = {
  connecting: 'Connecting…',
  waiting: 'Waiting for the camera…',
  live: '',
  reconnecting: 'Reconnecting…',
  error: 'Cannot watch this room',
  removed: 'You were removed',
  closed: 'The room was closed',
} as const;

/** Plays the received tracks with sound where allowed; reports when the browser wants a tap first. */
function usePlayback(
  video: HTMLVideoElement | null,
  tracks: MediaStreamTrack[],
): { needsTap: boolean; unmute: () => void } {
  const [needsTap, setNeedsTap] = useState(false);
  const volume = useView((s) => s.volume);
  const muted = useView((s) => s.muted);
  const stream = useMemo(() => new MediaStream(tracks), [tracks]);

  useEffect(() => {
    if (!video) return;
    video.srcObject = stream;
    if (stream.getTracks().length === 0) return;
    video.muted = false;
    video.play().catch((e: unknown) => {
      // Autoplay with sound needs a user gesture on most browsers: play muted and offer a button.
      if (!(e instanceof DOMException && e.name === 'NotAllowedError')) return;
      video.muted = true;
      setNeedsTap(true);
      video.play().catch((err: unknown) => console.warn('muted playback failed', err));
    });
  }, [video, stream]);

  useEffect(() => {
    if (!video) return;
    video.volume = volume;
    if (!needsTap) video.muted = muted;
  }, [video, volume, muted, needsTap]);

  const unmute = () => {
    if (!video) return;
    video.muted = false;
    video.play().then(
      () => setNeedsTap(false),
      (e: unknown) => console.warn('playback with sound failed', e),
    );
  };
  return { needsTap, unmute };
}

export function WatchPage({ room }: { room: RoomId }) {
  const { state, voice, connection, setName } = useViewer(room);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [orientation, setOrientation] = useState(false);
  const { needsTap, unmute } = usePlayback(video, state.tracks);
  const showStats = useView((s) => s.showStats);
  const receiveStats = useReceiveStats(connection);
  const projectionOverride = useView((s) => s.projectionOverride);
  const stream: StreamInfo = useMemo(
    () =>
      projectionOverride ? { projection: projectionOverride, swapEyes: state.stream.swapEyes } : state.stream,
    [projectionOverride, state.stream],
  );

  // A resumed connection's media never stopped: keep showing it while signaling reconnects.
  const showVideo =
    (state.phase === 'live' || state.phase === 'reconnecting') &&
    state.tracks.some((t) => t.kind === 'video');

  // Marks the first decoded frame of each live period: the join-to-first-frame figure reads these.
  useEffect(() => {
    if (!video || state.phase !== 'live') return;
    const handle = video.requestVideoFrameCallback(() => performance.mark('inclubit:first-frame'));
    return () => video.cancelVideoFrameCallback(handle);
  }, [video, state.phase]);

  return (
    <main
      className="watch-page"
      data-phase={state.phase}
      data-media={state.media}
      data-projection={stream.projection}
      data-recording={state.recording}
    >
      <video ref={setVideo} className="media-sink" playsInline autoPlay />
      <SphereScene
        video={showVideo ? video : null}
        stream={stream}
        deviceOrientation={orientation}
        content={
          showVideo && (
            <>
              <GazeProbe />
              <LookCue onSeen={(cueId) => connection?.cueSeen(cueId)} />
            </>
          )
        }
      >
        <XRRecMark recording={state.recording} />
        <XRPushToTalk
          enabled={voice.policy.mode !== 'off'}
          onTalk={(on) => void connection?.setTalking(on)}
        />
      </SphereScene>
      {state.phase !== 'live' && (
        <div className={showVideo ? 'overlay banner' : 'overlay'} role="status">
          <p>{phaseText[state.phase]}</p>
          {state.message && <p className="detail">{state.message}</p>}
          <p className="detail">
            Room <code>{room}</code>
          </p>
        </div>
      )}
      {state.phase === 'live' && state.media !== 'video+sound' && (
        <div className={state.media === 'sound' ? 'overlay' : 'overlay banner'} role="status">
          <p>
            {state.message ??
              (state.media === 'sound'
                ? 'Sound only: the camera sends no picture'
                : 'No sound from the camera')}
          </p>
        </div>
      )}
      {needsTap && state.phase === 'live' && (
        <button type="button" className="tap-for-sound" onClick={unmute}>
          Tap for sound
        </button>
      )}
      {state.recording && <RecMark className="corner" />}
      {showStats && <StatsOverlay stats={receiveStats} stream={stream} />}
      <TalkPanel connection={connection} voice={voice} setName={setName} />
      <GazeSharing />
      <ViewerControls announced={state.stream} orientationOn={orientation} onOrientation={setOrientation} />
    </main>
  );
}
