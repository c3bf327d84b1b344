// The recordings' HTTP API (operator; the dashboard and scripts use the same):
//   POST   /api/rooms/:room/recording            start (idempotent: the running one is answered again)
//   DELETE /api/rooms/:room/recording            stop (idempotent: the last one is answered)
//   GET    /api/rooms/:room/recording-settings   automatic recording, public replays
//   PUT    /api/rooms/:room/recording-settings   change them
//   GET    /api/recordings                       the library: every recording, space used, quota, free disk
//   POST   /api/recordings/:id/link              a signed replay link (/replay/<id>?t=…)
//   DELETE /api/recordings/:id                   delete one (409 invalid_state while it runs)
// and, for an operator, a replay link's holder, or anyone when the room's replays are public:
//   GET    /api/recordings/:id                   one recording (what the replay page plays)
//   GET    /api/recordings/:id/files/:name       one of its files, with byte ranges (seeking); ?download=1
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { ServiceError } from '../errors.js';
import type { Tokens } from '../auth/tokens.js';
import { requireOperator } from '../http/operator-auth.js';
import { RecordingSettingsChange, RoomId, type ReplayLink } from '../protocol/index.js';
import type { Recorders } from './recorders.js';
import { requestedRange } from './byte-range.js';
import { authorizeReplay, type ReplayAccess } from './replay-access.js';

export interface RecordingRoutesOptions {
  tokens: Tokens;
  recorders: Recorders;
  /** The base of the links made (PUBLIC_URL); undefined: the address the request came to. */
  publicUrl: string | undefined;
  linkTokenTtlS: number;
  roomAccess: 'open' | 'protected';
}

const roomOf = (raw: string): RoomId => {
  const room = RoomId.safeParse(raw);
  if (!room.success) throw new ServiceError('bad_request', `not a room code: ${raw}`);
  return room.data;
};

const contentType = (name: string) =>
  name.endsWith('.mp4') ? 'video/mp4' : name.endsWith('.webm') ? 'video/webm' : 'video/x-matroska';

export const recordingRoutes: FastifyPluginAsync<RecordingRoutesOptions> = async (
  app,
  { tokens, recorders, publicUrl, linkTokenTtlS, roomAccess },
) => {
  const { library } = recorders;
  const access: ReplayAccess = { tokens, roomAccess, settingsOf: (room) => recorders.settingsOf(room) };

  app.post<{ Params: { room: string } }>('/api/rooms/:room/recording', async (req, reply) => {
    await requireOperator(tokens, req);
    const room = roomOf(req.params.room);
    const before = recorders.recordingOf(room);
    const info = await recorders.start(room);
    return reply.code(before ? 200 : 201).send(info);
  });

  app.delete<{ Params: { room: string } }>('/api/rooms/:room/recording', async (req) => {
    await requireOperator(tokens, req);
    return recorders.stop(roomOf(req.params.room));
  });

  app.get<{ Params: { room: string } }>('/api/rooms/:room/recording-settings', async (req) => {
    await requireOperator(tokens, req);
    return recorders.settingsOf(roomOf(req.params.room));
  });

  app.put<{ Params: { room: string } }>('/api/rooms/:room/recording-settings', async (req) => {
    await requireOperator(tokens, req);
    const room = roomOf(req.params.room);
    const change = RecordingSettingsChange.safeParse(req.body);
    if (!change.success)
      throw new ServiceError('bad_request', `not recording settings: ${change.error.issues[0]?.message}`);
    if (change.data.publicReplays && roomAccess !== 'open')
      throw new ServiceError(
        'invalid_state',
        'replays can be public only where rooms are open (ROOM_ACCESS=open)',
      );
    return recorders.configure(room, change.data);
  });

  app.get('/api/recordings', async (req) => {
    await requireOperator(tokens, req);
    return library.summary();
  });

  app.post<{ Params: { id: string } }>('/api/recordings/:id/link', async (req): Promise<ReplayLink> => {
    await requireOperator(tokens, req);
    const info = await library.get(req.params.id);
    const { token, expiresAt } = await tokens.issue({ role: 'replay', recording: info.id }, linkTokenTtlS);
    const base = publicUrl ?? `${req.protocol}://${req.headers.host}`;
    return { id: info.id, url: `${base}/replay/${info.id}?t=${token}`, token, expiresAt };
  });

  app.get<{ Params: { id: string } }>('/api/recordings/:id', async (req) => {
    const info = await library.get(req.params.id);
    await authorizeReplay(access, req, info);
    return info;
  });

  app.get<{ Params: { id: string; name: string }; Querystring: { download?: string } }>(
    '/api/recordings/:id/files/:name',
    async (req, reply) => {
      const info = await library.get(req.params.id);
      await authorizeReplay(access, req, info);
      const { name } = req.params;
      const file = await library.file(info.id, name);
      const { size } = await stat(file);
      reply
        .header('content-type', contentType(name))
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-cache')
        .header(
          'content-disposition',
          `${req.query.download === '1' ? 'attachment' : 'inline'}; filename="${name}"`,
        );
      const range = requestedRange(req.headers.range, size);
      if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${size}`).send();
      if (!range) return reply.header('content-length', size).send(createReadStream(file));
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(file, range));
    },
  );

  app.delete<{ Params: { id: string } }>('/api/recordings/:id', async (req, reply) => {
    await requireOperator(tokens, req);
    await library.delete(req.params.id, (id) => recorders.isRunning(id));
    return reply.code(204).send();
  });
};
