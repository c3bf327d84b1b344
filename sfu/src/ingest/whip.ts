// WHIP (RFC 9725): an encoder publishes a room's camera over plain HTTP at /whip/<room> with a camera token
// (none in the embedded default, as for the camera page). `?projection=stereo-360-tb&swapEyes=true` says how
// its picture is laid out, which a browser camera announces itself. The resource's PATCH, DELETE, OPTIONS and
// CORS: http-resource.ts. Statuses: 400 malformed SDP, 401/403 token, 409 a source already live, 422 no codec
// the server takes.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Projection } from '../protocol/index.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { Tokens } from '../auth/tokens.js';
import type { AccessPolicy } from '../auth/access.js';
import type { TurnOptions } from '../auth/turn.js';
import type { IngestSettings } from './ingest-settings.js';
import { authorize, deviceOf, parse, sdpResource } from './http-resource.js';
import { readPublishOffer } from './publish-offer.js';
import { WhipSession } from './whip-session.js';

export interface IngestRouteOptions {
  rooms: RoomRegistry;
  /** The layout an operator set for the room's encoders, used when the URL names none. */
  settings: IngestSettings;
  tokens: Tokens;
  policy: AccessPolicy;
  turn: TurnOptions | undefined;
  iceTimeoutMs: number;
}

const PublishQuery = z.object({
  projection: Projection.optional(),
  swapEyes: z.stringbool().optional(),
});

export const whipRoutes: FastifyPluginAsync<IngestRouteOptions> = async (app, opts) => {
  sdpResource(app, {
    name: 'whip',
    turn: opts.turn,
    create: async ({ req, room: roomId, offer, onEnd }) => {
      const query = parse(PublishQuery, req.query, 'query');
      await authorize(req, opts, roomId, 'camera');
      const room = await opts.rooms.acquire(roomId, 'camera');
      try {
        return await WhipSession.start({
          room,
          offer: readPublishOffer(offer, room.rtpCapabilities),
          stream:
            (query.projection && { projection: query.projection, swapEyes: query.swapEyes ?? false }) ??
            opts.settings.streamOf(roomId),
          device: deviceOf(req, 'WHIP', 'encoder'),
          iceTimeoutMs: opts.iceTimeoutMs,
          onEnd,
        });
      } finally {
        room.release();
      }
    },
  });
};
