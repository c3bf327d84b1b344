// Who may join a room in which role: the single place the rules live.
import type { Role, RoomId } from '../protocol/index.js';
import { SignalingError } from '../errors.js';
import type { Grant } from './tokens.js';

export interface AccessPolicy {
  /** Local single-process default: the camera needs no token. */
  embedded: boolean;
  /** open: anyone with the room code may watch; protected: a viewer token is needed. */
  roomAccess: 'open' | 'protected';
}

/** Throws `unauthorized` (no usable token) or `forbidden` (a token for something else). */
export function authorizeJoin(
  policy: AccessPolicy,
  grant: Grant | undefined,
  room: RoomId,
  role: Role,
): void {
  const forRoom = (g: Grant | undefined, r: Role) => g?.role === r && g.room === room;
  if (role === 'camera') {
    if (policy.embedded || forRoom(grant, 'camera')) return;
    if (!grant) throw new SignalingError('unauthorized', 'the camera needs a camera link (token)');
    throw new SignalingError('forbidden', `this token may not be the camera of room ${room}`);
  }
  if (policy.roomAccess === 'open' || forRoom(grant, 'viewer') || grant?.role === 'operator') return;
  // A camera token lets its holder check its own room's picture.
  if (forRoom(grant, 'camera')) return;
  if (!grant) throw new SignalingError('unauthorized', `room ${room} needs a viewer link (token)`);
  throw new SignalingError('forbidden', `this token is not for room ${room}`);
}
