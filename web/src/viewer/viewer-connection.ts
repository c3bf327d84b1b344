// The viewer's side of a broadcast: joins as a viewer, consumes whatever the camera publishes, follows the
// camera going away and coming back. Connection drops, server restarts and media-server crashes are the
// RoomSession's business: this class only (re)builds and reconciles the media it is handed.
import type { types } from 'mediasoup-client';
import {
  defaultStreamInfo,
  type ConsumerId,
  type CueId,
  type EventData,
  type Gaze,
  type IceServer,
  type Layers,
  type Params,
  type Result,
  type RoomId,
  type StreamInfo,
} from '@inclubit/sfu/protocol';
import type { SignalingClient } from '../lib/signaling';
import { loadDevice } from '../lib/mediasoup';
import { Receiver } from '../lib/receiver';
import { RoomSession, type SessionPhase } from '../lib/room-session';
import { ViewerVoice, type VoiceState } from './viewer-voice';

export type ViewerPhase = 'connecting' | 'waiting' | 'live' | 'reconnecting' | 'error' | 'removed' | 'closed';

export interface ViewerState {
  phase: ViewerPhase;
  /** The camera's tracks being received now (video and/or audio). */
  tracks: MediaStreamTrack[];
  /** The camera's description of its stream (projection). */
  stream: StreamInfo;
  /** While live: what the camera sends (an RTMP/SRT/WHIP source may send only sound or only a picture). */
  media?: 'video+sound' | 'video' | 'sound';
  /** The room is being recorded: the page shows REC (as last told; kept while reconnecting). */
  recording: boolean;
  message?: string;
}

export class ViewerConnection {
  private readonly session: RoomSession;
  /** What this viewer receives: the camera's tracks (and voices the room lets it hear). */
  private readonly receiver: Receiver;
  private device: types.Device | undefined;
  private iceServers: IceServer[] = [];
  private stream: StreamInfo = defaultStreamInfo;
  /** The camera is there but its picture stopped arriving: shown as waiting, its tracks kept. */
  private stalled = false;
  private recording = false;
  private readonly voice: ViewerVoice;
  /** Sent with every (re)join; a new name is also sent at once. */
  private readonly joinParams: Params<'join'>;
  /** The picture asked for; sent after every (re)join and at once when it changes. */
  private quality: Params<'setQuality'> = { quality: 'auto' };
  /** The layered track whose layers the page shows (the camera's video, when it sends layers). */
  private layered: ConsumerId | undefined;

  constructor(
    room: RoomId,
    private readonly onChange: (state: ViewerState) => void,
    private readonly opts: {
      displayName?: string;
      onVoice: (state: VoiceState) => void;
      /** The layer received of a camera that sends layers, whenever it changes; undefined once gone. */
      onLayers?: (layers: Layers | undefined) => void;
      /** The teacher's "look here". */
      onCue?: (cue: EventData<'lookHere'>) => void;
      /** A new server-side peer (join, or resume on a new connection): presence reports start afresh. */
      onPeer?: () => void;
    },
  ) {
    this.joinParams = { room, role: 'viewer', ...(opts.displayName && { displayName: opts.displayName }) };
    this.session = new RoomSession(this.joinParams, {
      listen: (s) => this.listen(s),
      joined: (s, j) => this.joined(s, j),
      resumed: (s, r) => this.resumed(s, r),
      reset: () => this.reset(),
      phase: (p, m) => this.onPhase(p, m),
    });
    this.receiver = new Receiver({
      // The camera's tracks, and other viewers' voices when the room lets viewers hear each other (the
      // server announces only what this viewer may receive).
      accepts: () => true,
      onChange: () => this.emitTracks(),
      watch: (transport) => {
        this.session.watchIce(transport);
        // Marks for a recovery timeline (devtools, and the recovery tests): join → consumed → connected → frame.
        transport.on('connectionstatechange', (state) => performance.mark(`inclubit:transport-${state}`));
      },
    });
    // The voice's send transport is kept alive across network changes like the receive transport.
    this.voice = new ViewerVoice(opts.onVoice, (transport) => this.session.watchIce(transport));
  }

  start(): void {
    this.session.start();
  }

  stop(): void {
    this.session.stop();
    this.reset();
  }

  /** Tells the server what this page sees, for the operator's dashboard. */
  report(stats: Params<'reportStats'>): void {
    // Best effort: a lost report is replaced by the next one.
    this.session.current
      ?.request('reportStats', stats)
      .catch((e: unknown) => console.debug('stats report not sent', e));
  }

  /**
   * Where this page looks now (null: it stops sharing), as a notification: reports are frequent and need no
   * answer. Best effort: the next report replaces a lost one.
   */
  reportGaze(gaze: Gaze | null): void {
    this.session.current?.notify('reportGaze', { gaze });
  }

  /** This page has looked at the teacher's cue. */
  cueSeen(cueId: CueId): void {
    this.session.current
      ?.request('cueSeen', { cueId })
      .catch((e: unknown) => console.debug('cue seen not sent', e));
  }

  /** The pupil talks (or stops): push-to-talk presses and releases, open mode toggles. */
  setTalking(on: boolean): Promise<void> {
    const signaling = this.session.current;
    const device = this.device;
    return this.voice.setOn(on, signaling && device && { signaling, device, iceServers: this.iceServers });
  }

  setDisplayName(displayName: string): void {
    this.joinParams.displayName = displayName;
    this.session.current
      ?.request('setDisplayName', { displayName })
      .catch((e: unknown) => console.debug('name not sent; the next join carries it', e));
  }

  /**
   * The picture to ask for from a camera that sends layers, and how wide a full 360° frame this screen can
   * show. Kept for every rejoin.
   */
  setQuality(choice: Params<'setQuality'>): void {
    this.quality = choice;
    this.sendQuality(this.session.current);
  }

  private sendQuality(signaling: SignalingClient | undefined): void {
    signaling
      ?.request('setQuality', this.quality)
      .then(({ layers }) => layers.forEach((l) => this.showLayers(l)))
      .catch((e: unknown) => console.debug('quality not sent; the next join carries it', e));
  }

  /** WebRTC statistics of the receiving connection (for the stats overlay). */
  getStats(): Promise<RTCStatsReport | undefined> {
    return this.receiver.getStats();
  }

  private listen(signaling: SignalingClient): void {
    this.voice.listen(signaling);
    this.receiver.listen(signaling);
    signaling.on('layersChanged', (layers) => this.showLayers(layers));
    signaling.on('consumerClosed', ({ consumerId }) => {
      if (consumerId === this.layered) this.showLayers(undefined);
    });
    signaling.on('streamChanged', (stream) => {
      this.stream = stream;
      this.emitTracks();
    });
    signaling.on('cameraStalled', ({ stalled }) => {
      this.stalled = stalled;
      this.emitTracks();
    });
    signaling.on('recordingChanged', ({ recording }) => {
      this.recording = recording;
      this.emitTracks();
    });
    signaling.on('lookHere', (cue) => this.opts.onCue?.(cue));
  }

  private async joined(signaling: SignalingClient, joined: Result<'join'>): Promise<void> {
    performance.mark('inclubit:joined');
    this.stream = joined.stream;
    this.stalled = joined.cameraStalled;
    this.recording = joined.recording;
    this.iceServers = joined.iceServers;
    this.voice.joined(joined.talkback);
    this.opts.onPeer?.();
    // Before consuming: the server applies it to the tracks this peer receives from now on.
    this.sendQuality(signaling);
    this.device = await loadDevice(joined.routerRtpCapabilities);
    this.emitTracks();
    await this.receiver.joined(
      signaling,
      { device: this.device, iceServers: joined.iceServers },
      joined.producers,
      { eager: true },
    );
  }

  /** Back on a new connection as the same peer: catch up with what happened while away. */
  private async resumed(signaling: SignalingClient, resumed: Result<'resume'>): Promise<void> {
    this.stream = resumed.stream;
    this.stalled = resumed.cameraStalled;
    this.recording = resumed.recording;
    this.voice.resumed(resumed.talkback);
    this.opts.onPeer?.();
    this.emitTracks();
    await this.receiver.resumed(signaling, resumed.producers, resumed.consumerIds);
  }

  private showLayers(layers: Layers | undefined): void {
    this.layered = layers?.consumerId;
    this.opts.onLayers?.(layers);
  }

  private reset(): void {
    this.showLayers(undefined);
    this.voice.reset();
    this.receiver.reset();
    this.device = undefined;
  }

  private onPhase(phase: SessionPhase, message?: string): void {
    if (phase === 'connected') return this.emitTracks();
    // While reconnecting the tracks keep playing: a resumed peer's media never stopped.
    const tracks = phase === 'reconnecting' ? this.tracks() : [];
    const { stream, recording } = this;
    this.onChange({ phase, tracks, stream, recording, ...(message && { message }) });
  }

  private tracks(): MediaStreamTrack[] {
    return this.receiver.list().map((r) => r.consumer.track);
  }

  private emitTracks(): void {
    const tracks = this.tracks();
    const camera = this.receiver.list().filter((r) => r.producer.source === 'camera');
    const video = camera.some((r) => r.consumer.kind === 'video');
    const sound = camera.some((r) => r.consumer.kind === 'audio');
    // A camera without a picture is live all the same when it sends sound; a stalled picture is waiting.
    const live = (video || sound) && !this.stalled;
    const media = video && sound ? 'video+sound' : video ? 'video' : 'sound';
    // The camera's picture was announced but this device cannot decode it (its codec or profile is not one
    // the browser offers): say so rather than "no picture". Only the current camera's count.
    const cameraPeer = camera[0]?.producer.peerId;
    const undecodable =
      !video &&
      this.receiver
        .listUndecodable()
        .some((p) => p.source === 'camera' && p.kind === 'video' && p.peerId === cameraPeer);
    this.onChange({
      phase: live ? 'live' : 'waiting',
      tracks,
      stream: this.stream,
      recording: this.recording,
      ...(live && { media }),
      ...(live && undecodable && { message: 'This device cannot decode the camera’s picture' }),
    });
  }
}
