// The camera side of talkback: receives every viewer voice the room sends it (the shared receive path,
// lib/receiver.ts) and hands the page the tracks to play (mixed into one output) and their levels.
import type { types } from 'mediasoup-client';
import type { ConsumerId, PeerId, ProducerId, ProducerInfo } from '@inclubit/sfu/protocol';
import type { SignalingClient } from '../lib/signaling';
import { Receiver, type ReceiverMedia } from '../lib/receiver';

export interface Voice {
  peerId: PeerId;
  producerId: ProducerId;
  track: MediaStreamTrack;
}

export class TalkbackReceiver {
  private readonly receiver: Receiver;

  constructor(
    private readonly onVoices: (voices: Voice[]) => void,
    /** The receive transport, once made: kept alive across network changes (RoomSession.watchIce). */
    watch: (transport: types.Transport) => void,
  ) {
    this.receiver = new Receiver({
      accepts: (p) => p.source === 'talkback',
      onChange: () => this.emit(),
      watch,
    });
  }

  listen(signaling: SignalingClient): void {
    this.receiver.listen(signaling);
  }

  /** A fresh peer: receive the voices listed at join (the transport is made with the first voice). */
  joined(signaling: SignalingClient, media: ReceiverMedia, producers: ProducerInfo[]): Promise<void> {
    return this.receiver.joined(signaling, media, producers);
  }

  resumed(signaling: SignalingClient, producers: ProducerInfo[], open: ConsumerId[]): Promise<void> {
    return this.receiver.resumed(signaling, producers, open);
  }

  /** Level (0–1) of each viewer's voice as received now, by peer. */
  async levels(): Promise<Map<PeerId, number>> {
    const out = new Map<PeerId, number>();
    for (const { consumer, producer } of this.receiver.list()) {
      if (consumer.closed) continue;
      (await consumer.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && typeof s.audioLevel === 'number')
          out.set(producer.peerId, s.audioLevel);
      });
    }
    return out;
  }

  reset(): void {
    this.receiver.reset();
    this.emit();
  }

  private emit(): void {
    this.onVoices(
      this.receiver.list().map(({ consumer, producer }) => ({
        peerId: producer.peerId,
        producerId: producer.producerId,
        track: consumer.track,
      })),
    );
  }
}
