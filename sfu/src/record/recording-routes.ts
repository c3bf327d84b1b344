// The recordings' HTTP API (operator; the dashboard and scripts use the same):
//   POST   /api/rooms/:room/recording          start (idempotent: the running one is answered again)
//   DELETE /api/rooms/:room/recording          stop (idempotent: the last one is answered)
//   GET    /api/recordings                     the library: every recording, space used, quota, free disk
//   GET    /api/recordings/:id/files/:name     download one of its files
//   DELETE /api/recordings/:id                 delete one (409 invalid_state while it runs)
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { ServiceError } from '../errors.js';
import type { Tokens } from '../auth/tokens.js';
import { requireOperator } from '../http/operator-auth.js';
import { RoomId } from '../protocol/index.js';
import type { Recorders } from './recorders.js';

export interface RecordingRoutesOptions {
  tokens: Tokens;
  recorders: Recorders;
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
  { tokens, recorders },
) => {
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

  app.get('/api/recordings', async (req) => {
    await requireOperator(tokens, req);
    return recorders.library.summary();
  });

  app.get<{ Params: { id: string; name: string } }>('/api/recordings/:id/files/:name', async (req, reply) => {
    await requireOperator(tokens, req);
    const file = await recorders.library.file(req.params.id, req.params.name);
    const { size } = await stat(file);
    return reply
      .header('content-type', contentType(req.params.name))
      .header('content-length', size)
      .header('content-disposition', `attachment; filename="${req.params.name}"`)
      .send(createReadStream(file));
  });

  app.delete<{ Params: { id: string } }>('/api/recordings/:id', async (req, reply) => {
    await requireOperator(tokens, req);
    await recorders.library.delete(req.params.id, (id) => recorders.isRunning(id));
    return reply.code(204).send();
  });
};
