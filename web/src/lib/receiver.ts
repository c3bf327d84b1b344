// One receive path for every page: the tracks a peer takes from the room (the viewer: the camera's video and
// audio; the camera: the viewers' voices) arrive on one receive transport, each consumed, wired and then
// resumed; announcements made while the transport is still being made are kept and consumed once it is
// ready; after a resume the page catches up (drops consumers the server no longer has, consumes what it
// missed). The transport is handed to the owner's ICE watch like every other transport of the page.
import type { types } from 'mediasoup-client';
import type { ConsumerId, IceServer, ProducerInfo } from '@inclubit/sfu/protocol';
import { RequestError } from './errors';
import type { SignalingClient } from './signaling';
import { asClientRtpParameters, createTransport, relayOnlyRequested } from './mediasoup';

export interface Received {
  consumer: types.Consumer;
  producer: ProducerInfo;
}

export interface ReceiverOptions {
  /** Which announced tracks this receiver takes (the others are someone else's business). */
  accepts: (producer: ProducerInfo) => boolean;
  /** The set of received tracks changed. */
  onChange: () => void;
  /** Every transport the receiver makes: keep its ICE alive across network changes (RoomSession.watchIce). */
  watch: (transport: types.Transport) => void;
}

export interface ReceiverMedia {
  device: types.Device;
  iceServers: IceServer[];
}

export class Receiver {
  private readonly consumers = new Map<ConsumerId, Received>();
  /** Announced tracks the server said this device cannot decode (cannot_consume), e.g. H264 High here. */
  private readonly undecodable = new Map<string, ProducerInfo>();
  /** Accepted announcements that arrived before there was media to receive them with. */
  private readonly pending = new Map<string, ProducerInfo>();
  private transport: Promise<types.Transport> | undefined;
  private media: ReceiverMedia | undefined;

  constructor(private readonly opts: ReceiverOptions) {}

  /** Subscribes to a new connection's announcements (before join or resume is sent). */
  listen(signaling: SignalingClient): void {
    signaling.on('producerAdded', (producer) => {
      if (!this.opts.accepts(producer)) return;
      if (!this.media) this.pending.set(producer.producerId, producer);
      else void this.receive(signaling, producer);
    });
    signaling.on('consumerClosed', ({ consumerId }) => this.drop(consumerId));
  }

  /**
   * A fresh peer: receive `producers` (and whatever was announced meanwhile). `eager` opens the transport
   * now even with nothing to receive yet (the viewer: the camera's tracks are what it is there for).
   */
  async joined(
    signaling: SignalingClient,
    media: ReceiverMedia,
    producers: ProducerInfo[],
    { eager = false } = {},
  ): Promise<void> {
    this.media = media;
    if (eager) await this.ensureTransport(signaling);
    const all = new Map(
      [...producers.filter(this.opts.accepts), ...this.pending.values()].map((p) => [p.producerId, p]),
    );
    this.pending.clear();
    await Promise.all([...all.values()].map((p) => this.receive(signaling, p)));
  }

  /** The same peer on a new connection: drop what the server closed meanwhile, receive what was missed. */
  async resumed(signaling: SignalingClient, producers: ProducerInfo[], open: ConsumerId[]): Promise<void> {
    const still = new Set(open);
    for (const id of [...this.consumers.keys()]) if (!still.has(id)) this.drop(id);
    const receiving = new Set([...this.consumers.values()].map((r) => r.producer.producerId));
    const missed = producers.filter((p) => this.opts.accepts(p) && !receiving.has(p.producerId));
    await Promise.all(missed.map((p) => this.receive(signaling, p)));
  }

  list(): Received[] {
    return [...this.consumers.values()];
  }

  /**
   * Tracks announced to this device that it cannot decode (their codec or profile is not among its own). They
   * are never announced closed: the owner tells them apart by their peer (cleared on reset).
   */
  listUndecodable(): ProducerInfo[] {
    return [...this.undecodable.values()];
  }

  /** WebRTC statistics of the receive transport, if it is open. */
  async getStats(): Promise<RTCStatsReport | undefined> {
    const transport = await this.transport?.catch(() => undefined);
    return transport && !transport.closed ? transport.getStats() : undefined;
  }

  /** Drops everything: the peer is gone (a fresh join follows, or the page stops). The owner says what it
   * shows meanwhile (onChange is not called). */
  reset(): void {
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    this.undecodable.clear();
    this.pending.clear();
    const transport = this.transport;
    this.transport = undefined;
    this.media = undefined;
    transport?.then((t) => t.close()).catch(() => undefined);
  }

  private ensureTransport(signaling: SignalingClient): Promise<types.Transport> {
    const media = this.media;
    if (!media) return Promise.reject(new Error('no media yet'));
    if (!this.transport) {
      const made = createTransport(signaling, media.device, 'recv', {
        iceServers: media.iceServers,
        relayOnly: relayOnlyRequested(),
      });
      this.transport = made;
      made.then(
        (t) => this.opts.watch(t),
        () => this.transport === made && (this.transport = undefined),
      );
    }
    return this.transport;
  }

  /** Consume → wire → resume; a track that ended between its announcement and our request is no error. */
  private async receive(signaling: SignalingClient, producer: ProducerInfo): Promise<void> {
    const media = this.media;
    if (!media) return;
    if ([...this.consumers.values()].some((r) => r.producer.producerId === producer.producerId)) return;
    try {
      const transport = await this.ensureTransport(signaling);
      if (transport.closed) return;
      const c = await signaling.request('consume', {
        producerId: producer.producerId,
        rtpCapabilities: media.device.rtpCapabilities,
      });
      const consumer = await transport.consume({
        id: c.consumerId,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: asClientRtpParameters(c.rtpParameters),
      });
      this.consumers.set(c.consumerId, { consumer, producer });
      await signaling.request('resumeConsumer', { consumerId: c.consumerId });
      performance.mark(`inclubit:consumed-${c.kind}`);
      this.opts.onChange();
    } catch (e) {
      if (e instanceof RequestError && e.code === 'cannot_consume') {
        // Only the newest camera's count: older peers' entries go (the map stays small).
        for (const [id, p] of this.undecodable) if (p.peerId !== producer.peerId) this.undecodable.delete(id);
        this.undecodable.set(producer.producerId, producer);
        this.opts.onChange();
      } else if (!(e instanceof RequestError && e.code === 'not_found'))
        console.warn('not received', producer, e);
    }
  }

  private drop(id: ConsumerId): void {
    const received = this.consumers.get(id);
    if (!received) return;
    received.consumer.close();
    this.consumers.delete(id);
    this.opts.onChange();
  }
}
