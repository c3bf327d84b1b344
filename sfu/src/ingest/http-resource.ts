// The HTTP side WHIP (RFC 9725) and WHEP share: an endpoint that takes an application/sdp offer and creates a
// session resource (201, the answer, Location, ETag, ICE servers as Link headers), and the resource's PATCH
// (trickle: 204; ICE restart: 200 with the server's sdpfrag and a new ETag) and DELETE. OPTIONS and CORS on all
// of it for browser clients: they authenticate with a bearer token, never a cookie, so `*` is safe.
// Errors keep the service's one JSON shape and status mapping (error-handler.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as sdpTransform from 'sdp-transform';
import { z } from 'zod';
import { RoomId } from '../protocol/index.js';
import { iceServersFor, type TurnOptions } from '../auth/turn.js';
import { ServiceError } from '../errors.js';
import { authorizeJoin, type AccessPolicy } from '../auth/access.js';
import type { Tokens } from '../auth/tokens.js';
import type { HttpSession } from './http-session.js';
import { iceServerLinks } from './sdp-frag.js';

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

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first?.path.join('.') ?? '';
    throw new ServiceError('bad_request', `${what}: ${where} ${first?.message ?? 'invalid'}`.trim());
  }
  return result.data;
}

/** The bearer token, if any; a malformed Authorization header is refused rather than ignored. */
export function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ServiceError('unauthorized', 'Authorization must be "Bearer <token>"');
  return match[1];
}

/** The request's bearer token checked against the room's rules for `role` (401/403 as for a page's join). */
export async function authorize(
  req: FastifyRequest,
  auth: { tokens: Tokens; policy: AccessPolicy },
  room: RoomId,
  role: 'camera' | 'viewer',
): Promise<void> {
  const token = bearer(req);
  const grant = token === undefined ? undefined : await auth.tokens.verify(token);
  authorizeJoin(auth.policy, grant, room, role);
}

/** How the dashboard names the session's device: "WHIP · <user agent>". */
export const deviceOf = (req: FastifyRequest, kind: string, fallback: string): string =>
  `${kind} · ${req.headers['user-agent'] ?? fallback}`.slice(0, 120);

function body(req: FastifyRequest, type: string): string {
  const given = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (given !== type || typeof req.body !== 'string') {
    throw new ServiceError('unsupported_media_type', `Content-Type must be ${type}`);
  }
  return req.body;
}

export interface SdpResourceOptions {
  /** The path's first part: `whip` or `whep`. */
  name: string;
  turn: TurnOptions | undefined;
  /**
   * Makes the session for an offer (authorization included); it is open when this resolves, and calls `onEnd`
   * when it ends.
   */
  create: (ctx: {
    req: FastifyRequest;
    room: RoomId;
    offer: string;
    onEnd: (session: HttpSession) => void;
  }) => Promise<HttpSession>;
}

/** Registers POST /<name>/<room>, PATCH and DELETE /<name>/<room>/<session>, and OPTIONS on both. */
export function sdpResource(app: FastifyInstance, opts: SdpResourceOptions): void {
  const sessions = new Map<string, HttpSession>();
  const base = `/${opts.name}/:room`;

  // Bodies are text; a larger one is no offer a camera or player sends.
  app.addContentTypeParser([SDP, SDP_FRAG], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, text, done) =>
    done(null, text),
  );
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(cors);
  });

  const preflight = (accept: Record<string, string>) => async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.code(204).headers(accept).send();
  app.options(base, preflight({ 'accept-post': SDP }));
  app.options(`${base}/:session`, preflight({ 'accept-patch': SDP_FRAG }));

  app.post(base, async (req, reply) => {
    const { room } = parse(EndpointParams, req.params, 'room');
    const session = await opts.create({
      req,
      room,
      offer: body(req, SDP),
      onEnd: (s) => sessions.delete(s.id),
    });
    // One that ended already (a kick while it opened) is simply gone when asked for.
    if (!session.isEnded) sessions.set(session.id, session);
    const links = opts.turn ? iceServerLinks(iceServersFor(opts.turn, `${opts.name}-${session.id}`)) : [];
    return reply
      .code(201)
      .type(SDP)
      .headers({
        location: `/${opts.name}/${room}/${session.id}`,
        etag: session.etag,
        'accept-patch': SDP_FRAG,
        ...(links.length > 0 && { link: links }),
      })
      .send(session.answer);
  });

  const find = (req: FastifyRequest): HttpSession => {
    const { room, session: id } = parse(SessionParams, req.params, 'session');
    const session = sessions.get(id);
    if (!session || session.isEnded || session.room.id !== room) {
      throw new ServiceError('not_found', `no such ${opts.name.toUpperCase()} session`);
    }
    return session;
  };

  app.patch(`${base}/:session`, async (req, reply) => {
    const session = find(req);
    const frag = sdpTransform.parse(body(req, SDP_FRAG));
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== session.etag) {
      throw new ServiceError('precondition_failed', `If-Match ${ifMatch} is not the session's ETag`);
    }
    const ufrag = frag.iceUfrag ?? frag.media[0]?.iceUfrag;
    const restarted = await session.patchIce(ufrag === undefined ? undefined : String(ufrag));
    if (restarted === undefined) return reply.code(204).send();
    return reply.code(200).type(SDP_FRAG).header('etag', session.etag).send(restarted);
  });

  app.delete(`${base}/:session`, async (req, reply) => {
    find(req).end('deleted by the client');
    return reply.code(200).send();
  });

  // Sessions forget themselves when they end (DELETE, ICE timeout, kick, room closed).
  app.addHook('onClose', async () => {
    for (const session of [...sessions.values()]) session.end('server shutting down');
  });
}
