// The camera page's broadcast lifecycle: Go live makes a CameraBroadcast, Stop (or leaving the page) ends it;
// while it runs, every change of the page's tracks and settings goes to the live sender (no re-publish, so
// viewers are not interrupted), and what the broadcast reports comes back as React state.
import { useEffect, useRef, useState } from 'react';
import {
  defaultTalkback,
  type AudienceMember,
  type RoomId,
  type StreamInfo,
  type Talkback,
} from '@inclubit/sfu/protocol';
import { CameraBroadcast, type BroadcastStatus, type SenderStats } from './camera-broadcast';
import type { RoomGazes } from '../presence/room-gazes';
import type { Voice } from './talkback-receiver';

export type Status = { state: 'idle' } | BroadcastStatus;

export interface BroadcastInputs {
  room: RoomId;
  stream: StreamInfo;
  video: MediaStreamTrack | undefined;
  audio: MediaStreamTrack | undefined;
  maxBitrate: number;
  /** Preferred codec (mimeType); '' = the room's first choice. */
  codec: string;
  /** Send layers so each viewer gets what its network carries. */
  adaptive: boolean;
  /** Where the class looks: fed while broadcasting, cleared when it stops. */
  gazes: RoomGazes;
}

export interface Broadcast {
  status: Status;
  /** The running broadcast (for the classroom panel's actions); undefined when there is none. */
  broadcast: CameraBroadcast | undefined;
  senderStats: SenderStats | undefined;
  audience: AudienceMember[];
  talkback: Talkback;
  /** The room is being recorded (known while broadcasting). */
  recording: boolean;
  voices: Voice[];
  goLive: () => void;
  stop: () => void;
}

export function useBroadcast(inputs: BroadcastInputs): Broadcast {
  const { room, stream, video, audio, maxBitrate, codec, adaptive, gazes } = inputs;
  const [status, setStatus] = useState<Status>({ state: 'idle' });
  const [broadcast, setBroadcast] = useState<CameraBroadcast>();
  const [senderStats, setSenderStats] = useState<SenderStats>();
  const [audience, setAudience] = useState<AudienceMember[]>([]);
  const [talkback, setTalkback] = useState<Talkback>(defaultTalkback);
  const [voices, setVoices] = useState<Voice[]>([]);
  const [recording, setRecording] = useState(false);
  // The live broadcast for effects and handlers (state above is for rendering).
  const live = useRef<CameraBroadcast | undefined>(undefined);

  useEffect(() => {
    live.current?.setMaxBitrate(maxBitrate).catch(console.error);
  }, [maxBitrate]);
  useEffect(() => {
    live.current?.setVideoCodec(codec || undefined).catch(console.error);
  }, [codec]);
  useEffect(() => {
    live.current?.setAdaptive(adaptive).catch(console.error);
  }, [adaptive]);
  useEffect(() => {
    if (video) live.current?.replaceVideo(video).catch(console.error);
  }, [video]);
  useEffect(() => {
    // Also a microphone that opens after Go live, or none: the published sound follows.
    live.current?.setAudio(audio).catch(console.error);
  }, [audio]);
  useEffect(() => {
    live.current?.setStream(stream).catch(console.error);
  }, [stream]);
  // Leaving the page ends the broadcast.
  useEffect(() => () => live.current?.stop(), []);

  const end = (b: CameraBroadcast | undefined) => {
    if (!b || live.current !== b) return;
    live.current = undefined;
    setBroadcast(undefined);
  };

  const goLive = () => {
    if (!video) return;
    const b = new CameraBroadcast({
      room,
      stream,
      video,
      audio,
      maxVideoBitrate: maxBitrate,
      videoCodec: codec || undefined,
      adaptive,
      onSenderStats: setSenderStats,
      onStatus: (s) => {
        // A broadcast that ended by itself is done; Go live starts a new one.
        if (s.state === 'error') end(b);
        setStatus(s);
      },
      onAudience: setAudience,
      onTalkback: setTalkback,
      onRecording: setRecording,
      onVoices: setVoices,
      onGaze: (g) => gazes.apply(g),
      onCue: (c) => gazes.setCue(c),
    });
    live.current = b;
    setBroadcast(b);
    b.start();
  };

  const stop = () => {
    const b = live.current;
    b?.stop();
    end(b);
    setStatus({ state: 'idle' });
    setAudience([]);
    setSenderStats(undefined);
    setRecording(false);
    gazes.clear();
  };

  return { status, broadcast, senderStats, audience, talkback, recording, voices, goLive, stop };
}
