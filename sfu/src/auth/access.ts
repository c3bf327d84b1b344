// Who may join a room in which role: the single place the rules live.
import type { Role, RoomId } from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import type { Grant } from './tokens.js';

export interface AccessPolicy {
  /** Local single-process default: the camera needs no token. */
  embedded: boolean;
  /** open: anyone with the room code may watch; protected: a viewer token is needed. */
  roomAccess: 'open' | 'protected';
}

/**
 * Throws `unauthorized` (no usable token) or `forbidden` (a token for something else). Where no token is
 * needed (the embedded default's camera, an open room's viewers), a token that *is* presented must still be
 * for this room and role: a link is never silently used for another room or role.
 */
export function authorizeJoin(
  policy: AccessPolicy,
  grant: Grant | undefined,
  room: RoomId,
  role: Role,
): void {
  const forRoom = (g: Grant | undefined, r: Role) => g?.role === r && g.room === room;
  if (role === 'camera') {
    if (forRoom(grant, 'camera')) return;
    if (grant) throw new ServiceError('forbidden', `this token may not be the camera of room ${room}`);
    if (policy.embedded) return;
    throw new ServiceError('unauthorized', 'the camera needs a camera link (token)');
  }
  // An operator watches any room; a camera token lets its holder check its own room's picture.
  if (forRoom(grant, 'viewer') || forRoom(grant, 'camera') || grant?.role === 'operator') return;
  if (grant) throw new ServiceError('forbidden', `this token is not for room ${room}`);
  if (policy.roomAccess === 'open') return;
  throw new ServiceError('unauthorized', `room ${room} needs a viewer link (token)`);
}
