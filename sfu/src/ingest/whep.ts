// WHEP: any WebRTC player watches a room at /whep/<room> — with a viewer token where rooms are protected, as the
// viewer page. The resource's PATCH, DELETE, OPTIONS and CORS: http-resource.ts. Statuses: 400 malformed SDP,
// 401/403 token, 404 no live camera, 422 the player takes none of the camera's codecs, 503 the room is full.
import type { FastifyPluginAsync } from 'fastify';
import { ServiceError } from '../errors.js';
import { authorize, deviceOf, sdpResource } from './http-resource.js';
import { readOffer } from './sdp-offer.js';
import type { IngestRouteOptions } from './whip.js';
import { WhepSession } from './whep-session.js';

export const whepRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, opts) => {
  sdpResource(app, {
    name: 'whep',
    turn: opts.turn,
    create: async ({ req, room: roomId, offer, onEnd }) => {
      await authorize(req, opts, roomId, 'viewer');
      const play = readOffer(offer, 'play');
      // On a node of a cluster the camera may be on another node: then it is piped here first.
      const room = await opts.rooms.acquireLive(roomId);
      if (!room) throw new ServiceError('not_found', `room ${roomId} has no live camera`);
      try {
        return await WhepSession.start({
          room,
          offer: play,
          device: deviceOf(req, 'WHEP', 'player'),
          iceTimeoutMs: opts.iceTimeoutMs,
          onEnd,
        });
      } finally {
        room.release();
      }
    },
  });
};
