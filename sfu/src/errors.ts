// Errors the service raises on purpose. Each carries a protocol code; anything else is `internal` and its
// details stay in the log.
import type { ErrorCode } from './protocol/index.js';

export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) =>
  new SignalingError('not_found', `${what} ${id} not found`);

/** For `map.get(id) ?? throwNotFound('peer', id)`. */
export function throwNotFound(what: string, id: string): never {
  throw notFound(what, id);
}
