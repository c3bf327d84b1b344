// Error codes every client can branch on. Messages are for humans; codes are the contract.
import { z } from 'zod';
import { NodeId } from './ids.js';

export const ErrorCode = z.enum([
  'bad_json', // not JSON, or not a request envelope
  'bad_request', // params do not match the method's schema, or mediasoup rejected them
  'unknown_method',
  'not_joined', // method needs a joined peer
  'already_joined',
  'forbidden', // role may not do this
  'camera_taken', // the room already has a camera
  'not_found', // transport / producer / consumer id is not this peer's
  'invalid_state',
  'cannot_consume', // the viewer's device cannot decode the camera's codec
  'unsupported_codec', // an ingest offer (WHIP) has no codec the server takes; the message names those it does
  'unsupported_media_type', // an HTTP body of the wrong Content-Type (WHIP wants application/sdp)
  'precondition_failed', // an HTTP If-Match that does not match the session's ETag (WHIP/WHEP)
  'unauthorized', // no token where one is needed, or a bad / expired one
  'room_full', // the room's viewer cap is reached
  'node_full', // this node of a cluster serves all it can: `moved` names the node to join instead
  'talkback_off', // the room does not allow viewers to speak now
  'too_frequent', // one kind of message (a gaze report) sent more often than it may be; refused, the connection lives
  'rate_limited', // too many messages (or login attempts); the connection is closed after this
  'too_large', // message over the size limit; the connection is closed after this
  'join_timeout', // connected but never joined; the connection is closed after this
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ProtocolErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** With `node_full`: join again there, with this ticket (it admits the viewer past that node's own limit). */
  moved: z.object({ node: NodeId, url: z.url(), ticket: z.string().max(2048) }).optional(),
});
export type ProtocolErrorBody = z.infer<typeof ProtocolErrorBody>;

/** WebSocket close codes the server uses after a typed error, so clients know not to retry blindly. */
export const CloseCode = {
  tooLarge: 1009,
  joinTimeout: 4008,
  rateLimited: 4029,
  kicked: 4003,
  /** Another connection resumed this peer (a client that reconnected before this one was seen to drop). */
  replaced: 4009,
  /** The server is restarting: reconnect (and resume) shortly. The standard "Service Restart" code. */
  restarting: 1012,
  /** A client giving up on a connection to make a new one: not a goodbye, its peer waits for the resume. */
  reconnecting: 4000,
} as const;
