// The camera side of talkback: receives every viewer voice the room sends it, on one receive transport,
// and hands the page the tracks to play (mixed into one output) and their levels for the meters.
import type { types } from 'mediasoup-client';
import type { ConsumerId, IceServer, PeerId, ProducerId, ProducerInfo } from '@inclubit/sfu/protocol';
import { RequestError, type SignalingClient } from '../lib/signaling';
import { asClientRtpParameters, createTransport, relayOnlyRequested } from '../lib/mediasoup';

export interface Voice {
  peerId: PeerId;
  producerId: ProducerId;
  track: MediaStreamTrack;
}

export class TalkbackReceiver {
  private transport: Promise<types.Transport> | undefined;
  private readonly consumers = new Map<ConsumerId, { consumer: types.Consumer; peerId: PeerId }>();

  constructor(private readonly onVoices: (voices: Voice[]) => void) {}

  listen(
    signaling: SignalingClient,
    media: () => { device: types.Device; iceServers: IceServer[] } | undefined,
  ): void {
    signaling.on('producerAdded', (p) => {
      const m = media();
      if (p.source === 'talkback' && m) void this.receive(signaling, m, p);
    });
    signaling.on('consumerClosed', ({ consumerId }) => this.drop(consumerId));
  }

  /** Receives the voices listed at join or resume that are not received yet. */
  async receiveAll(
    signaling: SignalingClient,
    media: { device: types.Device; iceServers: IceServer[] },
    producers: ProducerInfo[],
    open?: ConsumerId[],
  ): Promise<void> {
    if (open) for (const id of this.consumers.keys()) if (!open.includes(id)) this.drop(id);
    const receiving = new Set([...this.consumers.values()].map((c) => c.consumer.producerId));
    const missing = producers.filter((p) => p.source === 'talkback' && !receiving.has(p.producerId));
    await Promise.all(missing.map((p) => this.receive(signaling, media, p)));
  }

  /** Level (0–1) of each viewer's voice as received now, by peer. */
  async levels(): Promise<Map<PeerId, number>> {
    const out = new Map<PeerId, number>();
    for (const { consumer, peerId } of this.consumers.values()) {
      if (consumer.closed) continue;
      (await consumer.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && typeof s.audioLevel === 'number') out.set(peerId, s.audioLevel);
      });
    }
    return out;
  }

  private async receive(
    signaling: SignalingClient,
    media: { device: types.Device; iceServers: IceServer[] },
    producer: ProducerInfo,
  ): Promise<void> {
    const receiving = [...this.consumers.values()].some((c) => c.consumer.producerId === producer.producerId);
    if (receiving) return;
    try {
      this.transport ??= createTransport(signaling, media.device, 'recv', {
        iceServers: media.iceServers,
        relayOnly: relayOnlyRequested(),
      });
      const transport = await this.transport;
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
      this.consumers.set(c.consumerId, { consumer, peerId: producer.peerId });
      await signaling.request('resumeConsumer', { consumerId: c.consumerId });
      this.emit();
    } catch (e) {
      // The viewer may have stopped between the announcement and our request.
      if (!(e instanceof RequestError && e.code === 'not_found')) console.warn('talkback not received', e);
    }
  }

  private drop(id: ConsumerId): void {
    this.consumers.get(id)?.consumer.close();
    if (this.consumers.delete(id)) this.emit();
  }

  reset(): void {
    for (const { consumer } of this.consumers.values()) consumer.close();
    this.consumers.clear();
    void this.transport?.then((t) => t.close()).catch(() => undefined);
    this.transport = undefined;
    this.emit();
  }

  private emit(): void {
    this.onVoices(
      [...this.consumers.values()].map(({ consumer, peerId }) => ({
        peerId,
        producerId: consumer.producerId as ProducerId,
        track: consumer.track,
      })),
    );
  }
}
