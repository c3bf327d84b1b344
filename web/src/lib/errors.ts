// The one error type of the page's calls to the service, signaling or HTTP: a protocol error code the page
// can branch on, or what went wrong on the way (no connection, no answer in time, an answer not in the
// protocol's shape).
import type { ErrorCode, ProtocolErrorBody } from '@inclubit/sfu/protocol';

export type ClientErrorCode = ErrorCode | 'disconnected' | 'timeout' | 'bad_response';

export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** With `node_full`: the cluster's node to go on at, and the ticket that lets the page in there. */
    readonly moved?: ProtocolErrorBody['moved'],
  ) {
    super(message);
  }
}
