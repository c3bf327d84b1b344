// WHIP (RFC 9725): an encoder publishes a room's camera over plain HTTP.
//   POST   /whip/<room>            application/sdp offer, Bearer camera token -> 201, answer, Location, ETag, Link
//   PATCH  /whip/<room>/<session>  application/trickle-ice-sdpfrag: trickle (204) or ICE restart (200 + sdpfrag)
//   DELETE /whip/<room>/<session>  ends the publication
//   OPTIONS on both, and CORS on every answer, for browser clients (a bearer token, never a cookie: `*` is safe).
// Errors keep the service's one JSON shape and status mapping (error-handler.ts): 400 malformed SDP, 401 token,
// 409 a camera already live, 412 a stale If-Match, 415 a wrong content type, 422 no codec the server takes.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import * as sdpTransform from 'sdp-transform';
import { z } from 'zod';
import { Projection, RoomId, type StreamInfo } from '../protocol/index.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { Tokens } from '../auth/tokens.js';
import { authorizeJoin, type AccessPolicy } from '../auth/access.js';
import { iceServersFor, type TurnOptions } from '../auth/turn.js';
import { ServiceError } from '../errors.js';
import { readPublishOffer } from './publish-offer.js';
import { iceRestartFragment, iceServerLinks } from './sdp-frag.js';
import { WhipSession } from './whip-session.js';

export interface WhipOptions {
  rooms: RoomRegistry;
  tokens: Tokens;
  policy: AccessPolicy;
  turn: TurnOptions | undefined;
  iceTimeoutMs: number;
}

const SDP = 'application/sdp';
const SDP_FRAG = 'application/trickle-ice-sdpfrag';

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, If-Match',
  'access-control-expose-headers': 'Location, ETag, Link, Accept-Patch, Accept-Post',
  'access-control-max-age': '600',
};

const EndpointParams = z.object({ room: RoomId });
const SessionParams = z.object({ room: RoomId, session: z.string().min(1).max(64) });
/** `?projection=stereo-360-tb&swapEyes=true`: how the encoder's picture is laid out (a browser camera says so itself). */
const PublishQuery = z.object({
  projection: Projection.optional(),
  swapEyes: z.stringbool().optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new ServiceError(
      'bad_request',
      `${what}: ${first?.path.join('.') || ''} ${first?.message ?? 'invalid'}`.trim(),
    );
  }
  return result.data;
}

function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ServiceError('unauthorized', 'Authorization must be "Bearer <camera token>"');
  return match[1];
}

function requireType(req: FastifyRequest, type: string): string {
  const given = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (given !== type || typeof req.body !== 'string') {
    throw new ServiceError('unsupported_media_type', `Content-Type must be ${type}`);
  }
  return req.body;
}

export const whipRoutes: FastifyPluginAsync<WhipOptions> = async (app, opts) => {
  const sessions = new Map<string, WhipSession>();

  // Bodies are text; a larger one is no SDP offer a camera sends.
  app.addContentTypeParser([SDP, SDP_FRAG], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) =>
    done(null, body),
  );
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(cors);
  });

  const preflight = (accept: Record<string, string>) => async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.code(204).headers(accept).send();
  app.options('/whip/:room', preflight({ 'accept-post': SDP }));
  app.options('/whip/:room/:session', preflight({ 'accept-patch': SDP_FRAG }));

  app.post('/whip/:room', async (req, reply) => {
    const { room: roomId } = parse(EndpointParams, req.params, 'room');
    const query = parse(PublishQuery, req.query, 'query');
    const sdp = requireType(req, SDP);
    const token = bearer(req);
    const grant = token === undefined ? undefined : await opts.tokens.verify(token);
    authorizeJoin(opts.policy, grant, roomId, 'camera');
    const room = await opts.rooms.acquire(roomId);
    let session: WhipSession;
    try {
      const offer = readPublishOffer(sdp, room.rtpCapabilities);
      const stream: StreamInfo | undefined = query.projection && {
        projection: query.projection,
        swapEyes: query.swapEyes ?? false,
      };
      session = await WhipSession.start({
        room,
        offer,
        device: `WHIP · ${req.headers['user-agent'] ?? 'encoder'}`.slice(0, 120),
        stream,
        iceTimeoutMs: opts.iceTimeoutMs,
        onEnd: (s) => sessions.delete(s.id),
      });
    } finally {
      room.release();
    }
    sessions.set(session.id, session);
    const links = opts.turn ? iceServerLinks(iceServersFor(opts.turn, `whip-${session.id}`)) : [];
    return reply
      .code(201)
      .type(SDP)
      .headers({
        location: `/whip/${roomId}/${session.id}`,
        etag: session.etag,
        'accept-patch': SDP_FRAG,
        ...(links.length > 0 && { link: links }),
      })
      .send(session.answer);
  });

  const find = (req: FastifyRequest): WhipSession => {
    const { room, session: id } = parse(SessionParams, req.params, 'session');
    const session = sessions.get(id);
    if (!session || session.room.id !== room) throw new ServiceError('not_found', 'no such WHIP session');
    return session;
  };

  app.patch('/whip/:room/:session', async (req, reply) => {
    const session = find(req);
    const frag = requireType(req, SDP_FRAG);
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== session.etag) {
      throw new ServiceError('precondition_failed', `If-Match ${ifMatch} is not the session's ETag`);
    }
    const parsed = sdpTransform.parse(frag);
    const ufrag = parsed.iceUfrag ?? parsed.media?.[0]?.iceUfrag;
    const restarted = await session.patchIce(ufrag === undefined ? undefined : String(ufrag));
    if (!restarted) return reply.code(204).send();
    return reply
      .code(200)
      .type(SDP_FRAG)
      .header('etag', session.etag)
      .send(iceRestartFragment(session.transportIceParameters, session.iceCandidates, session.mids));
  });

  app.delete('/whip/:room/:session', async (req, reply) => {
    find(req).end('deleted by the client');
    return reply.code(200).send();
  });
};
