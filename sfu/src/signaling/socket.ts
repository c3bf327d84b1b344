// The /ws endpoint: frames in, validated requests to the session, typed responses and events out.
// Requests of one connection run one at a time, in order, so a client never races itself.
import type { FastifyPluginAsync } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { decodeRequest, type ErrorCode, type ServerMessage } from '../protocol/index.js';
import { SignalingError } from '../errors.js';
import type { RoomRegistry } from '../media/room-registry.js';
import { dispatch } from './handlers.js';
import { SignalingSession } from './session.js';

export interface SignalingOptions {
  rooms: RoomRegistry;
  /** Proxies drop idle connections; a ping keeps them open and finds dead clients. */
  heartbeatMs?: number;
}

export const signalingRoutes: FastifyPluginAsync<SignalingOptions> = async (app, opts) => {
  const heartbeatMs = opts.heartbeatMs ?? 20_000;

  app.get('/ws', { websocket: true }, (socket: WebSocket, req) => {
    const send = (msg: ServerMessage): void => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
    };
    const fail = (id: number | null, code: ErrorCode, message: string): void =>
      send({ type: 'response', id, ok: false, error: { code, message } });
    const session = new SignalingSession({
      rooms: opts.rooms,
      log: req.log,
      notify: (event) => send({ type: 'event', ...event }),
    });

    const handleFrame = async (raw: string | undefined): Promise<void> => {
      if (raw === undefined) return fail(null, 'bad_json', 'binary frames are not part of the protocol');
      const decoded = decodeRequest(raw);
      if (!decoded.ok) {
        session.log.debug({ code: decoded.code, detail: decoded.message }, 'rejected message');
        return fail(decoded.id, decoded.code, decoded.message);
      }
      const { id, method } = decoded.value;
      try {
        send({ type: 'response', id, ok: true, data: await dispatch(session, decoded.value) });
      } catch (error) {
        if (error instanceof SignalingError) {
          session.log.info({ method, code: error.code, detail: error.message }, 'request refused');
          fail(id, error.code, error.message);
        } else {
          session.log.error({ method, err: error }, 'request failed');
          fail(id, 'internal', 'internal error');
        }
      }
    };

    // Attached synchronously, before any await, or early frames would be lost.
    let queue = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      const raw = isBinary ? undefined : frameText(data);
      queue = queue.then(() => handleFrame(raw));
    });

    let alive = true;
    socket.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, heartbeatMs);

    socket.on('close', () => {
      clearInterval(heartbeat);
      // After any request still running, so a join that completes late is also undone.
      queue = queue.then(() => session.close());
    });
  });
};

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
