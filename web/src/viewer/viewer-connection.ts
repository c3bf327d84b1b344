// The viewer's side of a broadcast: joins as a viewer, consumes whatever the camera publishes, follows the
// camera going away and coming back, and reconnects with backoff when the server or the room goes away.
import type { types } from 'mediasoup-client';
import {
  defaultStreamInfo,
  type ConsumerId,
  type Params,
  type ProducerInfo,
  type RoomId,
  type StreamInfo,
} from '@inclubit/sfu/protocol';
import { RequestError, SignalingClient } from '../lib/signaling';
import { asClientRtpParameters, createTransport, loadDevice, relayOnlyRequested } from '../lib/mediasoup';

export type ViewerPhase = 'connecting' | 'waiting' | 'live' | 'reconnecting' | 'error' | 'removed' | 'closed';

export interface ViewerState {
  phase: ViewerPhase;
  /** The camera's tracks being received now (video and/or audio). */
  tracks: MediaStreamTrack[];
  /** The camera's description of its stream (projection). */
  stream: StreamInfo;
  message?: string;
}

const backoffMs = (attempt: number) => Math.min(10_000, 500 * 2 ** attempt);

export class ViewerConnection {
  private readonly consumers = new Map<ConsumerId, types.Consumer>();
  private signaling: SignalingClient | undefined;
  private transport: types.Transport | undefined;
  private stream: StreamInfo = defaultStreamInfo;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;

  constructor(
    private readonly room: RoomId,
    private readonly onChange: (state: ViewerState) => void,
  ) {}

  start(): void {
    this.emit('connecting');
    this.connect().catch((e: unknown) => this.retry(e));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown();
  }

  private async connect(): Promise<void> {
    const signaling = await SignalingClient.connect();
    if (this.stopped) return signaling.close();
    this.signaling = signaling;
    signaling.onClose(() => {
      if (this.signaling === signaling) this.retry(new Error('lost the connection to the server'));
    });
    signaling.on('roomClosed', ({ reason, rejoin }) => {
      if (this.signaling !== signaling) return;
      if (!rejoin) return this.end('closed', `The room was closed (${reason}).`);
      signaling.close();
      this.retry(new Error(`room closed: ${reason}`));
    });
    signaling.on('kicked', ({ reason }) => {
      if (this.signaling === signaling) this.end('removed', `You were removed from the room (${reason}).`);
    });

    signaling.on('streamChanged', (stream) => {
      this.stream = stream;
      this.emitTracks();
    });

    const joined = await signaling.request('join', { room: this.room, role: 'viewer' });
    performance.mark('inclubit:joined');
    this.stream = joined.stream;
    const device = await loadDevice(joined.routerRtpCapabilities);
    const transport = await createTransport(signaling, device, 'recv', {
      iceServers: joined.iceServers,
      relayOnly: relayOnlyRequested(),
    });
    this.transport = transport;
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed' && this.signaling === signaling) signaling.close();
    });

    const consume = async (producer: ProducerInfo): Promise<void> => {
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
      this.emitTracks();
    };
    const consumeQuietly = (producer: ProducerInfo) =>
      consume(producer).catch((e: unknown) => {
        // The camera may have stopped between the announcement and our request: not an error to show.
        if (!(e instanceof RequestError && e.code === 'not_found')) console.warn('consume failed', e);
      });

    signaling.on('producerAdded', (producer) => void consumeQuietly(producer));
    signaling.on('consumerClosed', ({ consumerId }) => {
      this.consumers.get(consumerId)?.close();
      this.consumers.delete(consumerId);
      this.emitTracks();
    });
    this.attempt = 0;
    this.emitTracks();
    await Promise.all(joined.producers.map(consumeQuietly));
  }

  /** The end of watching, by someone else's decision: no reconnecting. */
  private end(phase: 'removed' | 'closed', message: string): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown();
    this.emit(phase, message);
  }

  /** Tells the server what this page sees, for the operator's dashboard. */
  report(stats: Params<'reportStats'>): void {
    // Best effort: a lost report is replaced by the next one.
    this.signaling
      ?.request('reportStats', stats)
      .catch((e: unknown) => console.debug('stats report not sent', e));
  }

  /** WebRTC statistics of the receiving connection (for the stats overlay). */
  async getStats(): Promise<RTCStatsReport | undefined> {
    return this.transport?.closed === false ? this.transport.getStats() : undefined;
  }

  private retry(error: unknown): void {
    if (this.stopped) return;
    this.teardown();
    const permanent =
      error instanceof RequestError && (error.code === 'bad_request' || error.code === 'forbidden');
    if (permanent) return this.emit('error', error.message);
    const delay = backoffMs(this.attempt++);
    this.emit('reconnecting', error instanceof Error ? error.message : String(error));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.connect().catch((e: unknown) => this.retry(e));
    }, delay);
  }

  private teardown(): void {
    const signaling = this.signaling;
    this.signaling = undefined;
    this.transport?.close();
    this.transport = undefined;
    for (const c of this.consumers.values()) c.close();
    this.consumers.clear();
    signaling?.close();
  }

  private emitTracks(): void {
    const tracks = [...this.consumers.values()].map((c) => c.track);
    const live = tracks.some((t) => t.kind === 'video');
    this.onChange({ phase: live ? 'live' : 'waiting', tracks, stream: this.stream });
  }

  private emit(phase: ViewerPhase, message?: string): void {
    this.onChange({ phase, tracks: [], stream: this.stream, ...(message && { message }) });
  }
}
