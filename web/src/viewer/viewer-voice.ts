// A viewer's voice (talkback): the microphone is opened the first time the pupil talks, sent on a transport
// of its own, and then only paused and resumed. The room's policy and the camera side's mute come in as
// events; a refusal (talkback off) comes back as a typed error and is shown, never thrown at the page.
import type { types } from 'mediasoup-client';
import { defaultTalkback, type IceServer, type ProducerId, type Talkback } from '@inclubit/sfu/protocol';
import { RequestError } from '../lib/errors';
import type { SignalingClient } from '../lib/signaling';
import { createTransport, relayOnlyRequested } from '../lib/mediasoup';

export interface VoiceState {
  policy: Talkback;
  /** The microphone reaches the room now. */
  on: boolean;
  /** Why it is not (muted by the classroom, talkback off), for the page to show. */
  notice?: string;
}

/** Echo cancellation and noise suppression: the pupil's speakers must not reach the classroom. */
export const voiceConstraints: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export class ViewerVoice {
  private state: VoiceState = { policy: defaultTalkback, on: false };
  private transport: types.Transport | undefined;
  private producer: types.Producer | undefined;
  private mic: MediaStreamTrack | undefined;

  constructor(
    private readonly onChange: (state: VoiceState) => void,
    /** The send transport, once made: kept alive across network changes (RoomSession.watchIce). */
    private readonly watch: (transport: types.Transport) => void,
  ) {}

  listen(signaling: SignalingClient): void {
    signaling.on('talkbackChanged', (policy) => {
      if (policy.mode === 'off' && this.state.on) this.pauseHere();
      this.set({ policy, on: this.state.on && policy.mode !== 'off' });
    });
    signaling.on('talkbackMuted', ({ reason }) => {
      this.pauseHere();
      this.set({ ...this.state, on: false, notice: reason });
    });
  }

  /** A fresh peer: whatever was sent before is gone on the server. */
  joined(policy: Talkback): void {
    this.reset();
    this.set({ policy, on: false });
  }

  resumed(policy: Talkback): void {
    this.set({ ...this.state, policy });
  }

  async setOn(
    on: boolean,
    media: { signaling: SignalingClient; device: types.Device; iceServers: IceServer[] } | undefined,
  ): Promise<void> {
    if (!media) return this.set({ ...this.state, notice: 'not connected' });
    // Where "pressed Talk → heard in the classroom" starts (the talkback test reads it).
    if (on) performance.mark('inclubit:talk-pressed');
    try {
      if (!on) {
        this.pauseHere();
        if (this.producer)
          await media.signaling.request('pauseProducer', { producerId: this.producer.id as ProducerId });
        return this.set({ ...this.state, on: false, notice: undefined });
      }
      if (!this.producer) await this.produce(media);
      else {
        await media.signaling.request('resumeProducer', { producerId: this.producer.id as ProducerId });
        this.producer.resume();
      }
      this.set({ ...this.state, on: true, notice: undefined });
    } catch (e) {
      this.pauseHere();
      const notice =
        e instanceof RequestError && e.code === 'talkback_off'
          ? 'The classroom has turned talkback off.'
          : e instanceof DOMException
            ? `Microphone unavailable: ${e.message}`
            : `Cannot talk now: ${e instanceof Error ? e.message : String(e)}`;
      this.set({ ...this.state, on: false, notice });
    }
  }

  private async produce(media: {
    signaling: SignalingClient;
    device: types.Device;
    iceServers: IceServer[];
  }): Promise<void> {
    this.mic ??= (await navigator.mediaDevices.getUserMedia({ audio: voiceConstraints })).getAudioTracks()[0];
    if (!this.mic) throw new DOMException('no microphone', 'NotFoundError');
    if (!this.transport) {
      this.transport = await createTransport(media.signaling, media.device, 'send', {
        iceServers: media.iceServers,
        relayOnly: relayOnlyRequested(),
      });
      this.watch(this.transport);
    }
    this.producer = await this.transport.produce({ track: this.mic, stopTracks: false });
    performance.mark('inclubit:talkback-produced');
  }

  private pauseHere(): void {
    if (this.producer && !this.producer.closed) this.producer.pause();
  }

  reset(): void {
    this.producer?.close();
    this.transport?.close();
    this.producer = this.transport = undefined;
    this.mic?.stop();
    this.mic = undefined;
  }

  private set(state: VoiceState): void {
    this.state = state;
    this.onChange(state);
  }
}
