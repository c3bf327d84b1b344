// The /ws endpoint: edge checks at the upgrade (origin, token), then per frame (size, rate), then validated
// requests to the session, and typed responses and events out. Requests of one connection run one at a
// time, in order, so a client never races itself.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import {
  CloseCode,
  decodeRequest,
  type ErrorCode,
  type PeerId,
  type ServerMessage,
  tokenFromSubprotocols,
} from '../protocol/index.js';
import { MovedError, ServiceError } from '../errors.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { AccessPolicy } from '../auth/access.js';
import type { Tokens, VerifiedGrant } from '../auth/tokens.js';
import type { Metrics } from '../observe/metrics.js';
import { iceServersFor, type TurnOptions } from '../auth/turn.js';
import type { RoomWatcher } from '../observe/room-watcher.js';
import type { Presence } from '../presence/presence.js';
import { dispatch } from './handlers.js';
import { SignalingSession, type NodeDirectory } from './session.js';
import { TokenBucket } from './rate-limit.js';
import { describeDevice } from './device.js';

export interface SignalingLimits {
  maxMessageBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  joinTimeoutMs: number;
  /** Origins allowed to open /ws; undefined = the page's own origin only. */
  allowedOrigins: string[] | undefined;
}

export interface SignalingOptions {
  rooms: RoomRegistry;
  watcher: RoomWatcher;
  presence: Presence;
  tokens: Tokens;
  policy: AccessPolicy;
  limits: SignalingLimits;
  /** coturn, when there is one: each peer gets short-lived credentials. */
  turn: TurnOptions | undefined;
  metrics: Metrics;
  resumeGraceMs: number;
  /** Proxies drop idle connections; a ping keeps them open and finds dead clients. */
  heartbeatMs?: number;
  /** The cluster, when this node is in one: its nodes' pages may open /ws here too (a page moving over). */
  cluster?: (NodeDirectory & { origins(): string[] }) | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    grant?: VerifiedGrant;
  }
}

/** The Origin header must be one we serve: by default the page's own host (cross-site WebSocket hijacking). */
function originAllowed(req: FastifyRequest, allowed: string[] | undefined, cluster: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser: the token is what protects the service
  if (cluster.includes(origin)) return true;
  if (allowed) return allowed.includes(origin);
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export const signalingRoutes: FastifyPluginAsync<SignalingOptions> = async (app, opts) => {
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const { limits } = opts;

  const refuse = (code: ErrorCode, message: string) => ({ error: { code, message } });

  app.get<{ Querystring: { token?: string } }>(
    '/ws',
    {
      websocket: true,
      // Before the upgrade: a refused connection never becomes a WebSocket.
      preValidation: async (req, reply) => {
        if (!originAllowed(req, limits.allowedOrigins, opts.cluster?.origins() ?? [])) {
          return reply.code(403).send(refuse('forbidden', `origin ${req.headers.origin} is not allowed`));
        }
        // Pages send their token as a subprotocol (never in a URL); scripts may use ?token=.
        const token = tokenFromSubprotocols(req.headers['sec-websocket-protocol']) ?? req.query.token;
        if (token === undefined) return;
        try {
          req.grant = await opts.tokens.verify(token);
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          return reply.code(401).send(refuse(error.code, error.message));
        }
      },
    },
    (socket: WebSocket, req) => {
      const send = (msg: ServerMessage): void => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
      };
      const fail = (
        id: number | null,
        code: ErrorCode,
        message: string,
        moved?: MovedError['moved'],
      ): void => {
        opts.metrics.signalingError(code);
        send({ type: 'response', id, ok: false, error: { code, message, ...(moved && { moved }) } });
      };
      // Closed by us for breaking a limit: its peer leaves at once, it does not get to resume.
      let refused = false;
      const failAndClose = (code: ErrorCode, message: string, closeCode: number): void => {
        fail(null, code, message);
        refused = true;
        socket.close(closeCode, code);
      };
      const session = new SignalingSession({
        rooms: opts.rooms,
        watcher: opts.watcher,
        presence: opts.presence,
        log: req.log,
        notify: (event) => send({ type: 'event', ...event }),
        grant: req.grant,
        policy: opts.policy,
        iceServersFor: (peerId: PeerId) => (opts.turn ? iceServersFor(opts.turn, peerId) : []),
        device: describeDevice(req.headers['user-agent']),
        // After the events already queued (e.g. `kicked`) have gone out.
        disconnect: (reason) => setImmediate(() => socket.close(CloseCode[reason], reason)),
        resumeGraceMs: opts.resumeGraceMs,
        cluster: opts.cluster,
      });

      const handleFrame = async (raw: string): Promise<void> => {
        const decoded = decodeRequest(raw);
        if (!decoded.ok) {
          session.log.debug({ code: decoded.code, detail: decoded.message }, 'rejected message');
          return fail(decoded.id, decoded.code, decoded.message);
        }
        const { id, method } = decoded.value;
        try {
          const data = await dispatch(session, decoded.value);
          // A notification is answered only when refused.
          if (id !== null) send({ type: 'response', id, ok: true, data });
          if (method === 'join' || method === 'resume') opts.metrics.peerSession(method);
          if (method === 'restartIce') opts.metrics.iceRestart();
        } catch (error) {
          if (error instanceof ServiceError) {
            session.log.info({ method, code: error.code, detail: error.message }, 'request refused');
            fail(id, error.code, error.message, error instanceof MovedError ? error.moved : undefined);
          } else {
            session.log.error({ method, err: error }, 'request failed');
            fail(id, 'internal', 'internal error');
          }
        }
      };

      const bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
      // Attached synchronously, before any await, or early frames would be lost.
      let queue = Promise.resolve();
      socket.on('message', (data: RawData, isBinary: boolean) => {
        if (socket.readyState !== socket.OPEN) return;
        if (!bucket.take()) {
          session.log.warn('message rate limit exceeded; closing');
          return failAndClose('rate_limited', 'too many messages', CloseCode.rateLimited);
        }
        const size = frameSize(data);
        if (size > limits.maxMessageBytes) {
          session.log.warn({ size }, 'message too large; closing');
          return failAndClose(
            'too_large',
            `messages are limited to ${limits.maxMessageBytes} bytes`,
            CloseCode.tooLarge,
          );
        }
        if (isBinary) return fail(null, 'bad_json', 'binary frames are not part of the protocol');
        const raw = frameText(data);
        queue = queue.then(() => handleFrame(raw));
      });

      const joinTimer = setTimeout(() => {
        if (!session.isEngaged)
          failAndClose('join_timeout', 'no room joined (nor rooms watched) in time', CloseCode.joinTimeout);
      }, limits.joinTimeoutMs);

      let alive = true;
      socket.on('pong', () => (alive = true));
      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, heartbeatMs);

      socket.on('close', (code: number) => {
        clearInterval(heartbeat);
        clearTimeout(joinTimer);
        // A client that closes its socket (tab closed, Stop) sends a close frame: 1000, 1001, or none (1005).
        // Its peer leaves now. Without a close frame (1006: network, proxy, sleep) the peer waits for a resume.
        const goodbye = refused || code === 1000 || code === 1001 || code === 1005;
        // After any request still running, so a join that completes late is also undone.
        queue = queue.then(() => session.close({ goodbye }));
      });
    },
  );
};

function frameSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
