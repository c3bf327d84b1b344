import { useEffect, useMemo, useRef, useState } from 'react';
import {
  defaultTalkback,
  Projection,
  type AudienceMember,
  type RoomId,
  type StreamInfo,
  type Talkback,
} from '@inclubit/sfu/protocol';
import { CameraBroadcast, type BroadcastStatus, type SenderStats } from './camera-broadcast';
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
import { chooseSource, preferences, type Choice, type Preference } from './device-choice';
import { SenderStrip } from './SenderStrip';
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

/** The browser's devices, listed again whenever one is plugged in or out; undefined until first listed. */
function useDevices(): DeviceLists | undefined {
  const [devices, setDevices] = useState<DeviceLists>();
  useEffect(() => {
    let cancelled = false;
    const refresh = () => {
      listDevices().then(
        (found) => !cancelled && setDevices(found),
        () => !cancelled && setDevices({ video: [], audio: [] }),
      );
    };
    refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => {
      cancelled = true;
      navigator.mediaDevices?.removeEventListener('devicechange', refresh);
    };
  }, []);
  return devices;
}

/**
 * The source of one kind: the remembered choice while it is plugged in, a stand-in while it is not (and back
 * to it when it returns); a new choice is remembered with the device's name.
 */
function useSourceChoice(
  key: string,
  devices: MediaDeviceInfo[] | undefined,
  builtIn: readonly string[],
  fallback: string,
): { choice: Choice | undefined; choose: (value: string) => void; preferred: Preference | undefined } {
  const [preferred, setPreferred] = useState(() => preferences.load(key));
  const choice = useMemo(
    () => (devices ? chooseSource(preferred, devices, builtIn, fallback) : undefined),
    [devices, preferred, builtIn, fallback],
  );
  const choose = (value: string) => {
    const next = { deviceId: value, label: devices?.find((d) => d.deviceId === value)?.label ?? '' };
    preferences.save(key, next);
    setPreferred(next);
  };
  return { choice, choose, preferred };
}

const VIDEO_BUILT_IN = [PATTERN] as const;
const AUDIO_BUILT_IN = [TONE, NO_AUDIO] as const;
const FRAME_RATES = [30, 25, 24, 15] as const;
/** A camera setting remembered across reloads (the devices have their own, see useSourceChoice). */
function useStoredSetting(key: string, initial: string): [string, (value: string) => void] {
  const storageKey = `inclubit.camera.${key}`;
  const [value, setValue] = useState(() => localStorage.getItem(storageKey) ?? initial);
  const set = (next: string) => {
    setValue(next);
    localStorage.setItem(storageKey, next);
  };
  return [value, set];
}

export function CameraPage({ room }: { room: RoomId }) {
  const devices = useDevices();
  const videoSource = useSourceChoice('inclubit.camera.video', devices?.video, VIDEO_BUILT_IN, PATTERN);
  const audioSource = useSourceChoice('inclubit.camera.audio', devices?.audio, AUDIO_BUILT_IN, TONE);
  const videoChoice = videoSource.choice?.value;
  const audioChoice = audioSource.choice?.value;
  const [presetSetting, setPresetSetting] = useStoredSetting('preset', '2');
  const [fpsSetting, setFpsSetting] = useStoredSetting('fps', '30');
  const [codec, setCodec] = useStoredSetting('codec', '');
  const [bitrateSetting, setBitrateSetting] = useStoredSetting('bitrate', '');
  const presetIndex = Number(presetSetting);
  const fps = Number(fpsSetting);
  const bitrateMbps = Number(bitrateSetting) > 0 ? Number(bitrateSetting) : undefined;
  const [senderStats, setSenderStats] = useState<SenderStats>();
  const [muted, setMuted] = useState(false);
  const [projection, setProjection] = useState<Projection>('mono-360');
  const [swapEyes, setSwapEyes] = useState(false);
  const stream = useMemo<StreamInfo>(() => ({ projection, swapEyes }), [projection, swapEyes]);
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const publisher = useRef<CameraBroadcast | undefined>(undefined);
  const size = presets[presetIndex] ?? presets[0]!;
  const preset = useMemo(() => ({ ...size, fps }), [size, fps]);
  // Unless the teacher set one: enough for 2:1 equirect at this size and rate.
  const maxBitrate = bitrateMbps ? bitrateMbps * 1e6 : bitrateFor(preset);
  useEffect(() => {
    publisher.current?.setMaxBitrate(maxBitrate).catch(console.error);
  }, [maxBitrate]);
  useEffect(() => {
    publisher.current?.setVideoCodec(codec || undefined).catch(console.error);
  }, [codec]);

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
      maxVideoBitrate: maxBitrate,
      videoCodec: codec || undefined,
      onSenderStats: setSenderStats,
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
    setSenderStats(undefined);
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
            onChange={videoSource.choose}
            builtIn={[[PATTERN, 'Test pattern (no camera needed)']]}
            devices={devices?.video ?? []}
            unnamed="Camera"
          />
        </label>
        <label>
          Resolution
          <select
            data-testid="resolution"
            value={presetIndex}
            onChange={(e) => setPresetSetting(e.target.value)}
          >
            {presets.map((p, i) => (
              <option key={p.label} value={i}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Frame rate
          <select data-testid="frame-rate" value={fps} onChange={(e) => setFpsSetting(e.target.value)}>
            {FRAME_RATES.map((r) => (
              <option key={r} value={r}>
                {r} fps
              </option>
            ))}
          </select>
        </label>
        <label>
          Codec
          <select data-testid="codec" value={codec} onChange={(e) => setCodec(e.target.value)}>
            <option value="">Automatic (H264 first)</option>
            {(status.state === 'live' ? status.codecs : ['video/H264', 'video/VP8', 'video/VP9']).map((c) => (
              <option key={c} value={c}>
                {c.split('/')[1]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Max bitrate (Mbps)
          <input
            data-testid="max-bitrate"
            type="number"
            min={0.5}
            max={50}
            step={0.5}
            placeholder={(bitrateFor(preset) / 1e6).toFixed(1)}
            value={bitrateMbps ?? ''}
            onChange={(e) => setBitrateSetting(Number(e.target.value) > 0 ? e.target.value : '')}
          />
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
            onChange={audioSource.choose}
            builtIn={[
              [TONE, 'Test tone (beep each second)'],
              [NO_AUDIO, 'No sound'],
            ]}
            devices={devices?.audio ?? []}
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

      {senderStats && <SenderStrip stats={senderStats} capture={video.track?.getSettings()} />}
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
