// The camera page: choose the sources and settings, preview, go live, and run the classroom (audience,
// talkback). Devices, remembered settings and the broadcast lifecycle are hooks of their own.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Projection, RoomId, StreamInfo } from '@inclubit/sfu/protocol';
import { RecMark } from '../app/RecMark';
import { ClassroomPanel } from './ClassroomPanel';
import { CameraControls } from './CameraControls';
import { BUSY_PATTERN, NO_AUDIO, PATTERN, TONE, openAudio, openVideo } from './sources';
import { SenderStrip } from './SenderStrip';
import { useBroadcast } from './useBroadcast';
import { useCameraSettings } from './useCameraSettings';
import { useDevices, useSourceChoice } from './useDevices';
import { useMicLevel } from './useMicLevel';
import { useSource } from './useSource';
import { PresenceOverlay } from '../presence/PresenceOverlay';
import { RoomGazes } from '../presence/room-gazes';

const VIDEO_BUILT_IN = [PATTERN, BUSY_PATTERN] as const;
const AUDIO_BUILT_IN = [TONE, NO_AUDIO] as const;
const KNOWN_CODECS = ['video/H264', 'video/VP8', 'video/VP9'];

export function CameraPage({ room }: { room: RoomId }) {
  const devices = useDevices();
  const videoSource = useSourceChoice('inclubit.camera.video', devices?.video, VIDEO_BUILT_IN, PATTERN);
  const audioSource = useSourceChoice('inclubit.camera.audio', devices?.audio, AUDIO_BUILT_IN, TONE);
  const videoChoice = videoSource.choice?.value;
  const audioChoice = audioSource.choice?.value;
  const settings = useCameraSettings();
  const [muted, setMuted] = useState(false);
  const [projection, setProjection] = useState<Projection>('mono-360');
  const [swapEyes, setSwapEyes] = useState(false);
  const stream = useMemo<StreamInfo>(() => ({ projection, swapEyes }), [projection, swapEyes]);

  const video = useSource(
    () => (videoChoice ? openVideo(videoChoice, settings.preset, projection) : Promise.resolve(undefined)),
    // A real camera is not reopened when only the label changes; the test pattern is redrawn.
    [
      videoChoice,
      settings.preset,
      videoChoice === PATTERN || videoChoice === BUSY_PATTERN ? projection : undefined,
    ],
  );
  const audio = useSource(
    () => (audioChoice ? openAudio(audioChoice) : Promise.resolve(undefined)),
    [audioChoice],
  );
  const level = useMicLevel(audio.track);
  useEffect(() => {
    if (audio.track) audio.track.enabled = !muted;
  }, [audio.track, muted]);

  const gazes = useMemo(() => new RoomGazes(), []);
  const b = useBroadcast({
    gazes,
    room,
    stream,
    video: video.track,
    audio: audio.track,
    maxBitrate: settings.maxBitrate,
    codec: settings.codec,
    adaptive: settings.adaptive,
  });

  const preview = useRef<HTMLVideoElement>(null);
  const previewStream = useMemo(() => (video.track ? new MediaStream([video.track]) : null), [video.track]);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = previewStream;
  }, [previewStream]);

  const { status } = b;
  const names = useMemo(
    () => new Map(b.audience.map((v) => [v.peerId, v.displayName ?? 'Viewer'] as const)),
    [b.audience],
  );
  const capture = video.track?.getSettings();
  const aspect = capture?.width && capture.height ? capture.width / capture.height : 2;
  const live = status.state === 'live';
  // Starting or reconnecting is still a broadcast the teacher may want to stop.
  const broadcasting = live || status.state === 'starting' || status.state === 'reconnecting';
  const badge = live
    ? `LIVE${status.codec ? ` · ${status.codec.split('/')[1]}` : ''}`
    : status.state === 'reconnecting'
      ? 'reconnecting…'
      : 'offline';
  return (
    <main className="page camera-page" data-status={status.state}>
      <header>
        <h1>
          Camera · room <code>{room}</code>
        </h1>
        <span className="header-marks">
          {broadcasting && b.recording && <RecMark />}
          <span className={`badge ${live ? 'live' : ''}`}>{badge}</span>
        </span>
      </header>

      <PresenceOverlay
        gazes={gazes}
        stream={stream}
        names={names}
        aspect={aspect}
        onLook={live && b.broadcast ? (d) => void b.broadcast?.lookHere(d).catch(console.error) : undefined}
      >
        <video ref={preview} className="preview" autoPlay muted playsInline aria-label="local preview" />
      </PresenceOverlay>

      <CameraControls
        devices={devices}
        videoSource={videoSource}
        audioSource={audioSource}
        settings={settings}
        codecs={live ? status.codecs : KNOWN_CODECS}
        projection={projection}
        onProjection={setProjection}
        swapEyes={swapEyes}
        onSwapEyes={setSwapEyes}
        micLevel={level}
        muted={muted}
        onToggleMute={() => setMuted((m) => !m)}
        hasAudio={audio.track !== undefined}
        canGoLive={video.track !== undefined}
        broadcasting={broadcasting}
        onGoLive={b.goLive}
        onStop={b.stop}
      />

      {b.senderStats && <SenderStrip stats={b.senderStats} capture={video.track?.getSettings()} />}
      {videoSource.choice?.fellBack && (
        <p className="notice" data-testid="video-fallback">
          {videoSource.preferred?.label || 'The chosen camera'} is not connected; using a stand-in until it is
          back.
        </p>
      )}
      {audioSource.choice?.fellBack && (
        <p className="notice" data-testid="audio-fallback">
          {audioSource.preferred?.label || 'The chosen microphone'} is not connected; using a stand-in.
        </p>
      )}
      {video.error && <p className="error">Video: {video.error}</p>}
      {audio.error && <p className="error">Sound: {audio.error}</p>}
      {status.state === 'error' && <p className="error">{status.message}</p>}
      {status.state === 'reconnecting' && (
        <p className="notice" role="status">
          Reconnecting ({status.message}); viewers keep watching as soon as it is back.
        </p>
      )}
      <ClassroomPanel
        broadcast={broadcasting ? b.broadcast : undefined}
        audience={b.audience}
        policy={b.talkback}
        voices={b.voices}
      />
      <p className="hint">
        Viewers open <a href={`/watch/${room}`}>{`${location.origin}/watch/${room}`}</a>
      </p>
    </main>
  );
}
