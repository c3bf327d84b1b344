// Operator login/logout and join-link creation. Every refusal is a typed error body: { error: { code, message } }.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { sendError } from './error-handler.js';
import {
  LinksRequest,
  LoginRequest,
  defaultStreamInfo,
  type IssuedToken,
  type JoinLinks,
  type RoomId,
  type TokenInfo,
} from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { verifyPassword } from '../auth/password.js';
import type { Tokens, VerifiedGrant } from '../auth/tokens.js';
import type { IngestSettings } from '../ingest/ingest-settings.js';
import type { RoomRegistry } from '../media/room-registry.js';

/** What the links need of RTMP and SRT ingest: the rooms' keys and layouts, and their ports (undefined: off). */
export interface IngestLinks {
  settings: IngestSettings;
  rtmpPort: number | undefined;
  srtPort: number | undefined;
}

export interface OperatorRoutesOptions {
  tokens: Tokens;
  rooms: RoomRegistry;
  ingest: IngestLinks;
  passwordHash: string;
  /** The base of the links made (PUBLIC_URL); undefined: the address the request came to. */
  publicUrl: string | undefined;
  linkTokenTtlS: number;
  operatorTokenTtlS: number;
}

/** The operator grant of a `Authorization: Bearer <token>` request, or a typed 401/403. */
export async function requireOperator(tokens: Tokens, req: FastifyRequest): Promise<VerifiedGrant> {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer (.+)$/.exec(header)?.[1];
  if (!token) throw new ServiceError('unauthorized', 'log in as operator first');
  const grant = await tokens.verify(token);
  if (grant.role !== 'operator') throw new ServiceError('forbidden', 'operator role required');
  return grant;
}

/** At most `max` attempts per client address per window: password guessing gets slow. */
class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  allow(key: string, now = Date.now()): boolean {
    const recent = (this.attempts.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max) {
      this.attempts.set(key, recent);
      return false;
    }
    recent.push(now);
    this.attempts.set(key, recent);
    return true;
  }
}

export const operatorRoutes: FastifyPluginAsync<OperatorRoutesOptions> = async (
  app,
  { tokens, rooms, ingest, passwordHash, publicUrl, linkTokenTtlS, operatorTokenTtlS },
) => {
  const limiter = new AttemptLimiter(10, 60_000);

  app.post('/api/login', async (req, reply) => {
    if (!limiter.allow(req.ip))
      return sendError(reply, 'rate_limited', 'too many login attempts; wait a minute');
    const body = LoginRequest.safeParse(req.body);
    if (!body.success) return sendError(reply, 'bad_request', 'send { "password": "..." }');
    if (!(await verifyPassword(body.data.password, passwordHash))) {
      req.log.warn({ ip: req.ip }, 'operator login refused');
      return sendError(reply, 'unauthorized', 'wrong password');
    }
    req.log.info({ ip: req.ip }, 'operator logged in');
    const issued: IssuedToken = await tokens.issue({ role: 'operator' }, operatorTokenTtlS);
    return issued;
  });

  app.post('/api/logout', async (req, reply) => {
    tokens.revoke(await requireOperator(tokens, req));
    return reply.code(204).send();
  });

  /**
   * What a link's token allows, so a page can tell "expired link" from "server unreachable". The token comes
   * as `Authorization: Bearer` (pages) or `?token=` (scripts).
   */
  app.get<{ Querystring: { token?: string } }>('/api/token', async (req, reply) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? req.query.token;
    if (!token) return sendError(reply, 'bad_request', 'give Authorization: Bearer <token> or ?token=');
    const grant = await tokens.verify(token);
    const info: TokenInfo = { ...grant, expiresAt: grant.exp * 1000 };
    return info;
  });

  /** Camera and viewer links for a room, each carrying its own token. */
  app.post('/api/links', async (req, reply) => {
    await requireOperator(tokens, req);
    const body = LinksRequest.safeParse(req.body);
    if (!body.success) {
      return sendError(
        reply,
        'bad_request',
        'send { "room": "<room code>", "newKey"?: true, "encoderStream"?: { "projection", "swapEyes" } }',
      );
    }
    const base = publicUrl ?? `${req.protocol}://${req.headers.host}`;
    const { room, newKey, encoderStream } = body.data;
    if (newKey) await ingest.settings.rotate(room);
    if (encoderStream) {
      await ingest.settings.setStream(room, encoderStream);
      // An encoder live now takes it at once; a browser camera keeps announcing its own.
      const live = rooms.get(room);
      const camera = live?.camera;
      if (live && camera && camera.source !== 'browser') live.setStream(camera, encoderStream);
    }
    return joinLinks(tokens, base, room, linkTokenTtlS, ingest);
  });
};

export async function joinLinks(
  tokens: Tokens,
  base: string,
  room: RoomId,
  ttlS: number,
  ingest: IngestLinks,
): Promise<JoinLinks> {
  const camera = await tokens.issue({ role: 'camera', room }, ttlS);
  const { rtmpPort, srtPort } = ingest;
  const host = new URL(base).hostname;
  const key =
    rtmpPort !== undefined || srtPort !== undefined ? await ingest.settings.keyFor(room) : undefined;
  const viewer = await tokens.issue({ role: 'viewer', room }, ttlS);
  const origin = base.replace(/\/$/, '');
  return {
    room,
    camera: `${origin}/camera/${room}?t=${camera.token}`,
    viewer: `${origin}/watch/${room}?t=${viewer.token}`,
    whip: `${origin}/whip/${room}`,
    whep: `${origin}/whep/${room}`,
    cameraToken: camera.token,
    encoderStream: ingest.settings.streamOf(room) ?? defaultStreamInfo,
    ...(key && rtmpPort !== undefined && { rtmp: { url: `rtmp://${host}:${rtmpPort}/live/${room}`, key } }),
    ...(key && srtPort !== undefined && { srt: `srt://${host}:${srtPort}?streamid=${room}:${key}` }),
    expiresAt: Math.min(camera.expiresAt, viewer.expiresAt),
  };
}
