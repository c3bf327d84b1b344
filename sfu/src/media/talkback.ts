// The room's rules for who hears whom. The camera's tracks go to every viewer; a viewer's voice (talkback)
// goes to the camera, and to other viewers only when the room allows it. Nobody receives their own tracks.
// TalkbackRules holds the room's policy (off / push-to-talk / open) and carries out its changes; it reaches
// the room only through TalkbackRoom.
import type { types } from 'mediasoup';
import type {
  AudienceMember,
  ConsumerId,
  PeerId,
  ProducerId,
  ProducerInfo,
  Talkback,
} from '../protocol/index.js';
import { defaultTalkback } from '../protocol/index.js';
import { ServiceError, notFound } from '../errors.js';
import type { Peer } from './peer.js';

export function producerInfo(owner: Peer, producer: types.Producer): ProducerInfo {
  return {
    producerId: producer.id as ProducerId,
    kind: producer.kind,
    peerId: owner.id,
    source: owner.role === 'camera' ? 'camera' : 'talkback',
  };
}

export function mayReceive(peer: Peer, track: ProducerInfo, policy: Talkback): boolean {
  if (track.peerId === peer.id) return false;
  if (track.source === 'camera') return peer.role === 'viewer';
  return peer.role === 'camera' || policy.viewersHearEachOther;
}

/** A viewer as the camera page lists it. */
export function audienceMember(viewer: Peer): AudienceMember {
  const voice = viewer.listProducers().find((p) => p.kind === 'audio');
  return {
    peerId: viewer.id,
    ...(viewer.displayName !== undefined && { displayName: viewer.displayName }),
    talkback: !voice ? 'none' : voice.paused ? 'muted' : 'live',
    ...(voice && { producerId: voice.id as ProducerId }),
    sharesGaze: viewer.sharesGaze,
  };
}

export interface Track {
  info: ProducerInfo;
  owner: Peer;
  producer: types.Producer;
}

/** What the talkback rules need of their room. */
export interface TalkbackRoom {
  peers(): Iterable<Peer>;
  viewers(): Peer[];
  camera(): Peer | undefined;
  tracks(): Track[];
  /** Tells every peer matching `to` that may receive the track that it exists. */
  announce(info: ProducerInfo, to?: (peer: Peer) => boolean): void;
  peer(id: PeerId): Peer | undefined;
}

export class TalkbackRules {
  private current: Talkback = defaultTalkback;

  constructor(private readonly room: TalkbackRoom) {}

  get policy(): Talkback {
    return this.current;
  }

  mayReceive(peer: Peer, track: ProducerInfo): boolean {
    return mayReceive(peer, track, this.current);
  }

  /** A viewer may send or unmute its voice only while talkback is on. */
  require(): void {
    if (this.current.mode === 'off')
      throw new ServiceError('talkback_off', 'the classroom has turned talkback off');
  }

  async set(by: Peer, policy: Talkback): Promise<void> {
    if (by.role !== 'camera') throw new ServiceError('forbidden', 'only the camera sets talkback');
    const before = this.current;
    this.current = policy;
    by.log.info(policy, 'talkback set');
    if (policy.mode === 'off')
      await Promise.all(this.room.viewers().map((v) => this.muteVoice(v, 'talkback was turned off')));
    const voices = this.room.tracks().filter((t) => t.info.source === 'talkback');
    if (before.viewersHearEachOther && !policy.viewersHearEachOther) {
      const ids = new Set(voices.map((t) => t.producer.id));
      for (const viewer of this.room.viewers())
        for (const c of viewer.listConsumers()) if (ids.has(c.producerId)) dropConsumer(viewer, c);
    }
    // Newly audible to the other viewers only: the camera has heard these all along.
    if (!before.viewersHearEachOther && policy.viewersHearEachOther)
      for (const t of voices) this.room.announce(t.info, (p) => p.role === 'viewer');
    for (const p of this.room.peers()) p.notify({ event: 'talkbackChanged', data: policy });
    this.announceAudience();
  }

  async muteViewer(by: Peer, viewerId: PeerId): Promise<void> {
    if (by.role !== 'camera') throw new ServiceError('forbidden', 'only the camera mutes viewers');
    const viewer = this.room.peer(viewerId);
    if (viewer?.role !== 'viewer') throw notFound('viewer', viewerId);
    await this.muteVoice(viewer, 'the classroom muted you');
    this.announceAudience();
  }

  /** The camera's list of viewers, sent whenever it may have changed. */
  announceAudience(): void {
    const viewers = this.room.viewers().map(audienceMember);
    this.room.camera()?.notify({ event: 'audience', data: { viewers } });
  }

  private async muteVoice(viewer: Peer, reason: string): Promise<void> {
    const voice = viewer.listProducers().find((p) => p.kind === 'audio' && !p.paused);
    if (!voice) return;
    await voice.pause();
    viewer.log.info({ reason }, 'talkback muted');
    viewer.notify({ event: 'talkbackMuted', data: { reason } });
  }
}

function dropConsumer(peer: Peer, consumer: types.Consumer): void {
  consumer.close();
  peer.notify({ event: 'consumerClosed', data: { consumerId: consumer.id as ConsumerId } });
}
