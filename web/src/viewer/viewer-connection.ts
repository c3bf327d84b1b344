// The viewer's side of a broadcast: joins as a viewer, consumes whatever the camera publishes, follows the
// camera going away and coming back. Connection drops, server restarts and media-server crashes are the
// RoomSession's business: this class only (re)builds and reconciles the media it is handed.
import type { types } from 'mediasoup-client';
import {
  defaultStreamInfo,
  type ConsumerId,
  type IceServer,
  type Params,
  type ProducerInfo,
  type Result,
  type RoomId,
  type StreamInfo,
} from '@inclubit/sfu/protocol';
import { RequestError, type SignalingClient } from '../lib/signaling';
import { asClientRtpParameters, createTransport, loadDevice, relayOnlyRequested } from '../lib/mediasoup';
import { RoomSession, type SessionPhase } from '../lib/room-session';
import { ViewerVoice, type VoiceState } from './viewer-voice';

export type ViewerPhase = 'connecting' | 'waiting' | 'live' | 'reconnecting' | 'error' | 'removed' | 'closed';

export interface ViewerState {
  phase: ViewerPhase;
  /** The camera's tracks being received now (video and/or audio). */
  tracks: MediaStreamTrack[];
  /** The camera's description of its stream (projection). */
  stream: StreamInfo;
  message?: string;
}

export class ViewerConnection {
  private readonly consumers = new Map<ConsumerId, types.Consumer>();
  /** Producers announced before the receive transport existed. */
  private readonly announced: ProducerInfo[] = [];
  private readonly session: RoomSession;
  private device: types.Device | undefined;
  private transport: types.Transport | undefined;
  private iceServers: IceServer[] = [];
  private stream: StreamInfo = defaultStreamInfo;
  private readonly voice: ViewerVoice;
  /** Sent with every (re)join; a new name is also sent at once. */
  private readonly joinParams: Params<'join'>;

  constructor(
    room: RoomId,
    private readonly onChange: (state: ViewerState) => void,
    opts: { displayName?: string; onVoice: (state: VoiceState) => void },
  ) {
    this.voice = new ViewerVoice(opts.onVoice);
    this.joinParams = { room, role: 'viewer', ...(opts.displayName && { displayName: opts.displayName }) };
    this.session = new RoomSession(this.joinParams, {
      listen: (s) => this.listen(s),
      joined: (s, j) => this.joined(s, j),
      resumed: (s, r) => this.resumed(s, r),
      reset: () => this.reset(),
      phase: (p, m) => this.onPhase(p, m),
    });
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

  /** WebRTC statistics of the receiving connection (for the stats overlay). */
  async getStats(): Promise<RTCStatsReport | undefined> {
    return this.transport?.closed === false ? this.transport.getStats() : undefined;
  }

  private listen(signaling: SignalingClient): void {
    this.voice.listen(signaling);
    signaling.on('streamChanged', (stream) => {
      this.stream = stream;
      this.emitTracks();
    });
    signaling.on('producerAdded', (producer) => {
      // Announced while the transport is still being made: consumed as soon as it is ready.
      if (!this.transport) this.announced.push(producer);
      else void this.consumeQuietly(signaling, producer);
    });
    signaling.on('consumerClosed', ({ consumerId }) => this.dropConsumer(consumerId));
  }

  private async joined(signaling: SignalingClient, joined: Result<'join'>): Promise<void> {
    performance.mark('inclubit:joined');
    this.stream = joined.stream;
    this.iceServers = joined.iceServers;
    this.voice.joined(joined.talkback);
    this.device = await loadDevice(joined.routerRtpCapabilities);
    const transport = await createTransport(signaling, this.device, 'recv', {
      iceServers: joined.iceServers,
      relayOnly: relayOnlyRequested(),
    });
    this.transport = transport;
    this.session.watchIce(transport);
    // Marks for a recovery timeline (devtools, and the recovery tests): join → consumed → connected → frame.
    transport.on('connectionstatechange', (state) => performance.mark(`inclubit:transport-${state}`));
    this.emitTracks();
    const producers = new Map(
      [...joined.producers, ...this.announced.splice(0)].map((p) => [p.producerId, p]),
    );
    await Promise.all([...producers.values()].map((p) => this.consumeQuietly(signaling, p)));
  }

  /** Back on a new connection as the same peer: catch up with what happened while away. */
  private async resumed(signaling: SignalingClient, resumed: Result<'resume'>): Promise<void> {
    this.stream = resumed.stream;
    this.voice.resumed(resumed.talkback);
    const open = new Set(resumed.consumerIds);
    for (const id of this.consumers.keys()) if (!open.has(id)) this.dropConsumer(id);
    const consuming = new Set([...this.consumers.values()].map((c) => c.producerId));
    const missed = resumed.producers.filter((p) => !consuming.has(p.producerId));
    this.emitTracks();
    await Promise.all(missed.map((p) => this.consumeQuietly(signaling, p)));
  }

  private async consume(signaling: SignalingClient, producer: ProducerInfo): Promise<void> {
    const device = this.device;
    const transport = this.transport;
    if (!device || !transport || transport.closed) return;
    const c = await signaling.request('consume', {
      producerId: producer.producerId,
      rtpCapabilities: device.rtpCapabilities,
    });
    const consumer = await transport.consume({
      id: c.consumerId,
      producerId: c.producerId,
      kind: c.kind,
      rtpParameters: asClientRtpParameters(c.rtpParameters),
    });
    this.consumers.set(c.consumerId, consumer);
    await signaling.request('resumeConsumer', { consumerId: c.consumerId });
    performance.mark(`inclubit:consumed-${c.kind}`);
    this.emitTracks();
  }

  private consumeQuietly(signaling: SignalingClient, producer: ProducerInfo): Promise<void> {
    return this.consume(signaling, producer).catch((e: unknown) => {
      // The camera may have stopped between the announcement and our request: not an error to show.
      if (!(e instanceof RequestError && e.code === 'not_found')) console.warn('consume failed', e);
    });
  }

  private dropConsumer(id: ConsumerId): void {
    this.consumers.get(id)?.close();
    this.consumers.delete(id);
    this.emitTracks();
  }

  private reset(): void {
    this.voice.reset();
    this.announced.length = 0;
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    this.transport?.close();
    this.transport = undefined;
    this.device = undefined;
  }

  private onPhase(phase: SessionPhase, message?: string): void {
    if (phase === 'connected') return this.emitTracks();
    // While reconnecting the tracks keep playing: a resumed peer's media never stopped.
    const tracks = phase === 'reconnecting' ? this.tracks() : [];
    this.onChange({ phase, tracks, stream: this.stream, ...(message && { message }) });
  }

  private tracks(): MediaStreamTrack[] {
    return [...this.consumers.values()].map((c) => c.track);
  }

  private emitTracks(): void {
    const tracks = this.tracks();
    const live = tracks.some((t) => t.kind === 'video');
    this.onChange({ phase: live ? 'live' : 'waiting', tracks, stream: this.stream });
  }
}
