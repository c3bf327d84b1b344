// The room's rules for who hears whom. The camera's tracks go to every viewer; a viewer's voice (talkback)
// goes to the camera, and to other viewers only when the room allows it. Nobody receives their own tracks.
import type { types } from 'mediasoup';
import type { AudienceMember, ProducerId, ProducerInfo, Talkback } from '../protocol/index.js';
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
  };
}
