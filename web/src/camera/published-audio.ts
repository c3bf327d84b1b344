// The camera's sound as published. It follows the chosen track while live: produced when a track arrives (a
// microphone often opens after the picture), swapped when it changes, closed when none is chosen (viewers then
// say "No sound from the camera"); one change at a time, so it is published once.
import type { types } from 'mediasoup-client';
import type { ProducerId } from '@inclubit/sfu/protocol';
import type { SignalingClient } from '../lib/signaling';

/** Where the sound goes now: the live send transport and connection, if any. */
export interface AudioRoute {
  transport: types.Transport | undefined;
  signaling: SignalingClient | undefined;
}

export class PublishedAudio {
  private producer: types.Producer | undefined;
  private change: Promise<void> = Promise.resolve();

  constructor(
    private track: MediaStreamTrack | undefined,
    private readonly route: () => AudioRoute,
  ) {}

  /** The sound to send from now on, or none. */
  set(track: MediaStreamTrack | undefined): Promise<void> {
    this.track = track;
    return this.sync();
  }

  /** Makes what is published match the chosen track (after a join: publishes it). */
  sync(): Promise<void> {
    const run = this.change.then(() => this.apply());
    this.change = run.catch(() => undefined);
    return run;
  }

  /** The connection is gone and its producer with it; a fresh join publishes again. */
  reset(): void {
    this.producer?.close();
    this.producer = undefined;
  }

  private async apply(): Promise<void> {
    const { track, producer } = this;
    const { transport, signaling } = this.route();
    if (producer && !producer.closed) {
      if (track) return track === producer.track ? undefined : producer.replaceTrack({ track });
      this.producer = undefined;
      producer.close();
      await signaling?.request('closeProducer', { producerId: producer.id as ProducerId });
      return;
    }
    if (!track || !transport || transport.closed || !signaling) return;
    this.producer = await transport.produce({ track, stopTracks: false });
  }
}
