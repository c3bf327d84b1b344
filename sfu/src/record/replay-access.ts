// Who may read a recording (its manifest and files, in the replay viewer or as a download): an operator
// (Authorization: Bearer), the holder of a replay link for this recording (?t=, since a <video> element and
// a download link cannot send headers), or anyone when the room's replays are public and rooms are open.
import type { FastifyRequest } from 'fastify';
import { ServiceError } from '../errors.js';
import type { Tokens } from '../auth/tokens.js';
import type { RecordingInfo, RecordingSettings } from '../protocol/index.js';

export interface ReplayAccess {
  tokens: Tokens;
  roomAccess: 'open' | 'protected';
  settingsOf: (room: RecordingInfo['room']) => RecordingSettings;
}

/** Throws `unauthorized` (no usable token) or `forbidden` (a token for something else). */
export async function authorizeReplay(
  { tokens, roomAccess, settingsOf }: ReplayAccess,
  req: FastifyRequest,
  info: RecordingInfo,
): Promise<void> {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const query = (req.query as Record<string, unknown> | undefined)?.t;
  const token = bearer ?? (typeof query === 'string' ? query : undefined);
  if (token) {
    const grant = await tokens.verify(token);
    if (grant.role === 'operator') return;
    if (grant.role === 'replay' && grant.recording === info.id) return;
    // A link is never silently used for another recording, even a public one.
    throw new ServiceError('forbidden', 'this link is not for this recording');
  }
  if (roomAccess === 'open' && settingsOf(info.room).publicReplays) return;
  throw new ServiceError('unauthorized', 'this recording needs a replay link');
}
