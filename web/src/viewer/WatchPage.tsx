import { useEffect, useMemo, useState } from 'react';
import { Canvas } from '@react-three/fiber';
import type { RoomId } from '@inclubit/sfu/protocol';
import { useViewer } from './useViewer';
import { VideoSphere } from './VideoSphere';
import { LookControls } from './LookControls';

const phaseText = {
  connecting: 'Connecting…',
  waiting: 'Waiting for the camera…',
  live: '',
  reconnecting: 'Reconnecting…',
  error: 'Cannot watch this room',
} as const;

export function WatchPage({ room }: { room: RoomId }) {
  const state = useViewer(room);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [needsTap, setNeedsTap] = useState(false);
  const stream = useMemo(() => new MediaStream(state.tracks), [state.tracks]);

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

  // Marks the first decoded frame of each live period: the join-to-first-frame figure reads these.
  useEffect(() => {
    if (!video || state.phase !== 'live') return;
    const handle = video.requestVideoFrameCallback(() => performance.mark('inclubit:first-frame'));
    return () => video.cancelVideoFrameCallback(handle);
  }, [video, state.phase]);

  const unmute = () => {
    if (!video) return;
    video.muted = false;
    video.play().then(
      () => setNeedsTap(false),
      (e: unknown) => console.warn('playback with sound failed', e),
    );
  };

  return (
    <main className="watch-page" data-phase={state.phase}>
      <video ref={setVideo} className="media-sink" playsInline autoPlay />
      <Canvas className="viewer-canvas" camera={{ fov: 75, near: 0.1, far: 1100, position: [0, 0, 0] }} flat>
        {video && state.phase === 'live' && <VideoSphere video={video} />}
        <LookControls />
      </Canvas>
      {state.phase !== 'live' && (
        <div className="overlay" role="status">
          <p>{phaseText[state.phase]}</p>
          {state.message && <p className="detail">{state.message}</p>}
          <p className="detail">
            Room <code>{room}</code>
          </p>
        </div>
      )}
      {needsTap && state.phase === 'live' && (
        <button type="button" className="tap-for-sound" onClick={unmute}>
          Tap for sound
        </button>
      )}
    </main>
  );
}
