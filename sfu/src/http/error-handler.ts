// One error shape for every HTTP answer: { error: { code, message } }. A client's mistake (bad JSON, a body
// too large, a refused request) is a typed 4xx and at most a warning in the log; only the service's own
// failures are 500 `internal`, logged as errors, with their details kept out of the answer.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ErrorCode } from '../protocol/index.js';
import { ServiceError } from '../errors.js';

const statusOf: Partial<Record<ErrorCode, number>> = {
  bad_json: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  camera_taken: 409,
  invalid_state: 409,
  room_full: 503,
  precondition_failed: 412,
  too_large: 413,
  unsupported_media_type: 415,
  unsupported_codec: 422,
  rate_limited: 429,
};

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(statusOf[code] ?? 500).send({ error: { code, message } });
}

/** The protocol code for a client error Fastify raised itself (parsing, limits, media type). */
function codeOf(status: number): ErrorCode {
  if (status === 413) return 'too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  return 'bad_request';
}

const plugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError | ServiceError, req, reply) => {
    if (error instanceof ServiceError) return sendError(reply, error.code, error.message);
    const status = 'statusCode' in error ? (error.statusCode ?? 500) : 500;
    if (status >= 400 && status < 500) {
      req.log.warn({ status, code: error.code, detail: error.message }, 'bad request');
      return reply.code(status).send({ error: { code: codeOf(status), message: error.message } });
    }
    req.log.error({ err: error }, 'request failed');
    return sendError(reply, 'internal', 'internal error');
  });
};

export const errorHandler = fp(plugin, { name: 'error-handler' });

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (an over-long header, a malformed request
 * line) answered in the same shape. For Fastify's `clientErrorHandler`.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    error: {
      code: status === 431 ? 'too_large' : 'bad_request',
      message: status === 431 ? 'request headers too large' : (STATUS_CODES[status] ?? 'bad request'),
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
