// Errors the service raises on purpose (media, auth, HTTP and signaling alike). Each carries a protocol code;
// anything else is `internal` and its details stay in the log.
import type { ErrorCode, NodeId } from './protocol/index.js';

export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** This node is full: the viewer is sent to another node of the cluster (`node_full` with where to go). */
export class MovedError extends ServiceError {
  constructor(
    message: string,
    readonly moved: { node: NodeId; url: string; ticket: string },
  ) {
    super('node_full', message);
  }
}

export const notFound = (what: string, id: string) =>
  new ServiceError('not_found', `${what} ${id} not found`);

/** For `map.get(id) ?? throwNotFound('peer', id)`. */
export function throwNotFound(what: string, id: string): never {
  throw notFound(what, id);
}

/**
 * Runs a mediasoup call whose parameters came from a client. mediasoup throws TypeError (or its
 * UnsupportedError) for parameters it rejects: that is the client's fault, a `bad_request`, not ours.
 */
export async function fromMediasoup<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
      throw new ServiceError('bad_request', error.message);
    }
    throw error;
  }
}
