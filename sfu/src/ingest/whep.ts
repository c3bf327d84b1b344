// WHEP: any WebRTC player watches a room at /whep/<room> — with a viewer token where rooms are protected, as the
// viewer page. The resource's PATCH, DELETE, OPTIONS and CORS: http-resource.ts. Statuses: 400 malformed SDP,
// 401/403 token, 404 no live camera, 422 the player takes none of the camera's codecs, 503 the room is full.
import type { FastifyPluginAsync } from 'fastify';
import { authorizeJoin } from '../auth/access.js';
import { ServiceError } from '../errors.js';
import { bearer, sdpResource } from './http-resource.js';
import { readOffer } from './sdp-offer.js';
import type { IngestRouteOptions } from './whip.js';
import { WhepSession } from './whep-session.js';

export const whepRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, opts) => {
  sdpResource(app, {
    name: 'whep',
    turn: opts.turn,
    create: async ({ req, room: roomId, offer, onEnd }) => {
      const token = bearer(req);
      const grant = token === undefined ? undefined : await opts.tokens.verify(token);
      authorizeJoin(opts.policy, grant, roomId, 'viewer');
      const play = readOffer(offer, 'play');
      const room = opts.rooms.get(roomId);
      if (!room?.camera?.listProducers().length) {
        throw new ServiceError('not_found', `room ${roomId} has no live camera`);
      }
      room.hold();
      try {
        return await WhepSession.start({
          room,
          offer: play,
          device: `WHEP · ${req.headers['user-agent'] ?? 'player'}`.slice(0, 120),
          iceTimeoutMs: opts.iceTimeoutMs,
          onEnd,
        });
      } finally {
        room.release();
      }
    },
  });
};
