import { describe, expect, it } from 'vitest';
import type { Role, RoomId } from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { authorizeJoin, type AccessPolicy } from './access.js';
import type { Grant } from './tokens.js';

const room = 'maths' as RoomId;
const other = 'physics' as RoomId;
const outcome = (policy: AccessPolicy, grant: Grant | undefined, role: Role) => {
  try {
    authorizeJoin(policy, grant, room, role);
    return 'ok';
  } catch (e) {
    return e instanceof ServiceError ? e.code : 'threw';
  }
};

const embedded: AccessPolicy = { embedded: true, roomAccess: 'open' };
const open: AccessPolicy = { embedded: false, roomAccess: 'open' };
const protectedRooms: AccessPolicy = { embedded: false, roomAccess: 'protected' };

describe('authorizeJoin', () => {
  it.each([
    ['embedded: camera without token', embedded, undefined, 'camera', 'ok'],
    ['camera without token', open, undefined, 'camera', 'unauthorized'],
    ['camera with its camera token', open, { role: 'camera', room }, 'camera', 'ok'],
    ['camera with another room’s camera token', open, { role: 'camera', room: other }, 'camera', 'forbidden'],
    ['viewer token trying to be the camera', open, { role: 'viewer', room }, 'camera', 'forbidden'],
    ['operator trying to be the camera', open, { role: 'operator' }, 'camera', 'forbidden'],
    ['open room: viewer without token', open, undefined, 'viewer', 'ok'],
    ['protected room: viewer without token', protectedRooms, undefined, 'viewer', 'unauthorized'],
    ['protected room: viewer token', protectedRooms, { role: 'viewer', room }, 'viewer', 'ok'],
    [
      'protected room: other room’s viewer token',
      protectedRooms,
      { role: 'viewer', room: other },
      'viewer',
      'forbidden',
    ],
    // A presented token is honoured where none is needed (the attack suite's findings).
    [
      'embedded: another room’s camera token',
      embedded,
      { role: 'camera', room: other },
      'camera',
      'forbidden',
    ],
    ['embedded: a viewer token as camera', embedded, { role: 'viewer', room }, 'camera', 'forbidden'],
    ['embedded: its own camera token', embedded, { role: 'camera', room }, 'camera', 'ok'],
    ['open room: another room’s viewer token', open, { role: 'viewer', room: other }, 'viewer', 'forbidden'],
    [
      'open room: another room’s camera token',
      embedded,
      { role: 'camera', room: other },
      'viewer',
      'forbidden',
    ],
    ['open room: its viewer token', open, { role: 'viewer', room }, 'viewer', 'ok'],
    ['protected room: operator watches', protectedRooms, { role: 'operator' }, 'viewer', 'ok'],
    [
      'protected room: camera checks its own picture',
      protectedRooms,
      { role: 'camera', room },
      'viewer',
      'ok',
    ],
  ] as const)('%s → %s', (_what, policy, grant, role, expected) => {
    expect(outcome(policy, grant, role)).toBe(expected);
  });
});
