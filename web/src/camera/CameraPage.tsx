import { useEffect, useMemo, useRef, useState } from 'react';
import {
  defaultTalkback,
  Projection,
  type AudienceMember,
  type RoomId,
  type StreamInfo,
  type Talkback,
} from '@inclubit/sfu/protocol';
import { CameraBroadcast, type BroadcastStatus } from './publisher';
import { ClassroomPanel } from './ClassroomPanel';
import type { Voice } from './talkback-receiver';
import {
  NO_AUDIO,
  PATTERN,
  TONE,
  bitrateFor,
  listDevices,
  openAudio,
  openVideo,
  presets,
  type DeviceLists,
} from './sources';
import { useMicLevel } from './useMicLevel';
import { useSource } from './useSource';

const projectionChoices: [Projection, string][] = [
  ['mono-360', '360° mono (equirectangular)'],
  ['stereo-360-tb', '360° stereo, top-bottom'],
  ['stereo-360-sbs', '360° stereo, side-by-side'],
  ['stereo-180-sbs', '180° stereo, side-by-side (VR180)'],
  ['mono-180', '180° mono'],
];

/** A source picker: the built-in sources first, then the browser's devices of that kind. */
function DeviceSelect(props: {
  testId: string;
  value: string | undefined;
  onChange: (value: string) => void;
  builtIn: [value: string, label: string][];
  devices: MediaDeviceInfo[];
  unnamed: string;
}) {
  return (
    <select
      data-testid={props.testId}
      value={props.value ?? ''}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {props.builtIn.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
      {props.devices.map((d, i) => (
        <option key={d.deviceId} value={d.deviceId}>
          {d.label || `${props.unnamed} ${i + 1}`}
        </option>
      ))}
    </select>
  );
}

type Status = { state: 'idle' } | BroadcastStatus;

export function CameraPage({ room }: { room: RoomId }) {
  const [devices, setDevices] = useState<DeviceLists>({ video: [], audio: [] });
  const [videoChoice, setVideoChoice] = useState<string>();
  const [audioChoice, setAudioChoice] = useState<string>();
  const [presetIndex, setPresetIndex] = useState(2);
  const [muted, setMuted] = useState(false);
  const [projection, setProjection] = useState<Projection>('mono-360');
  const [swapEyes, setSwapEyes] = useState(false);
  const stream = useMemo<StreamInfo>(() => ({ projection, swapEyes }), [projection, swapEyes]);
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const publisher = useRef<CameraBroadcast | undefined>(undefined);
  const preset = presets[presetIndex] ?? presets[0]!;

  useEffect(() => {
    let cancelled = false;
    listDevices().then(
      (found) => {
        if (cancelled) return;
        setDevices(found);
        // A real camera when there is one; otherwise the test pattern, so the page works on any machine.
        setVideoChoice((c) => c ?? found.video[0]?.deviceId ?? PATTERN);
        setAudioChoice((c) => c ?? found.audio[0]?.deviceId ?? TONE);
      },
      () => {
        setVideoChoice((c) => c ?? PATTERN);
        setAudioChoice((c) => c ?? TONE);
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const video = useSource(
    () => (videoChoice ? openVideo(videoChoice, preset, projection) : Promise.resolve(undefined)),
    // A real camera is not reopened when only the label changes; the test pattern is redrawn.
    [videoChoice, preset, videoChoice === PATTERN ? projection : undefined],
  );
  const audio = useSource(
    () => (audioChoice ? openAudio(audioChoice) : Promise.resolve(undefined)),
    [audioChoice],
  );
  const level = useMicLevel(audio.track);
  const [audience, setAudience] = useState<AudienceMember[]>([]);
  const [talkback, setTalkback] = useState<Talkback>(defaultTalkback);
  const [voices, setVoices] = useState<Voice[]>([]);

  useEffect(() => {
    if (audio.track) audio.track.enabled = !muted;
  }, [audio.track, muted]);

  // Swap tracks under a live broadcast instead of re-publishing, so viewers are not interrupted.
  useEffect(() => {
    if (video.track) publisher.current?.replaceTrack('video', video.track).catch(console.error);
  }, [video.track]);
  useEffect(() => {
    if (audio.track) publisher.current?.replaceTrack('audio', audio.track).catch(console.error);
  }, [audio.track]);

  useEffect(() => () => publisher.current?.stop(), []);
  useEffect(() => {
    publisher.current?.setStream(stream).catch(console.error);
  }, [stream]);

  const preview = useRef<HTMLVideoElement>(null);
  const previewStream = useMemo(() => (video.track ? new MediaStream([video.track]) : null), [video.track]);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = previewStream;
  }, [previewStream]);

  const goLive = () => {
    if (!video.track) return;
    const broadcast = new CameraBroadcast({
      room,
      stream,
      video: video.track,
      audio: audio.track,
      maxVideoBitrate: bitrateFor(preset),
      onStatus: (s) => {
        // A broadcast that ended by itself is done; Go live starts a new one.
        if (s.state === 'error' && publisher.current === broadcast) publisher.current = undefined;
        setStatus(s);
      },
      onAudience: setAudience,
      onTalkback: setTalkback,
      onVoices: setVoices,
    });
    publisher.current = broadcast;
    broadcast.start();
  };

  const stop = () => {
    publisher.current?.stop();
    publisher.current = undefined;
    setStatus({ state: 'idle' });
    setAudience([]);
  };

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
        <span className={`badge ${live ? 'live' : ''}`}>{badge}</span>
      </header>

      <video ref={preview} className="preview" autoPlay muted playsInline aria-label="local preview" />

      <section className="controls">
        <label>
          Video source
          <DeviceSelect
            testId="video-source"
            value={videoChoice}
            onChange={setVideoChoice}
            builtIn={[[PATTERN, 'Test pattern (no camera needed)']]}
            devices={devices.video}
            unnamed="Camera"
          />
        </label>
        <label>
          Resolution
          <select
            data-testid="resolution"
            value={presetIndex}
            onChange={(e) => setPresetIndex(Number(e.target.value))}
          >
            {presets.map((p, i) => (
              <option key={p.label} value={i}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Projection
          <select
            data-testid="projection"
            value={projection}
            onChange={(e) => setProjection(Projection.parse(e.target.value))}
          >
            {projectionChoices.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={swapEyes} onChange={(e) => setSwapEyes(e.target.checked)} />
          Eyes swapped (right eye on top / left)
        </label>
        <label>
          Sound source
          <DeviceSelect
            testId="audio-source"
            value={audioChoice}
            onChange={setAudioChoice}
            builtIn={[
              [TONE, 'Test tone (beep each second)'],
              [NO_AUDIO, 'No sound'],
            ]}
            devices={devices.audio}
            unnamed="Microphone"
          />
        </label>
        <div className="mic">
          <meter
            data-testid="mic-level"
            min={0}
            max={1}
            value={muted ? 0 : level}
            aria-label="microphone level"
          />
          <button type="button" onClick={() => setMuted((m) => !m)} disabled={!audio.track}>
            {muted ? 'Unmute mic' : 'Mute mic'}
          </button>
        </div>
        <div className="actions">
          {broadcasting ? (
            <button type="button" className="stop" onClick={stop}>
              Stop
            </button>
          ) : (
            <button type="button" className="go-live" onClick={goLive} disabled={!video.track}>
              Go live
            </button>
          )}
        </div>
      </section>

      {video.error && <p className="error">Video: {video.error}</p>}
      {audio.error && <p className="error">Sound: {audio.error}</p>}
      {status.state === 'error' && <p className="error">{status.message}</p>}
      {status.state === 'reconnecting' && (
        <p className="notice" role="status">
          Reconnecting ({status.message}); viewers keep watching as soon as it is back.
        </p>
      )}
      <ClassroomPanel
        broadcast={broadcasting ? publisher.current : undefined}
        audience={audience}
        policy={talkback}
        voices={voices}
      />
      <p className="hint">
        Viewers open <a href={`/watch/${room}`}>{`${location.origin}/watch/${room}`}</a>
      </p>
    </main>
  );
}
