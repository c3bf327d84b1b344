// The operator's HTTP API (login, logout, links, token info): request and response bodies as schemas, like
// the signaling messages. The service parses requests with them; pages decode responses with them.
import { z } from 'zod';
import { ProtocolErrorBody } from './errors.js';
import { RoomId } from './ids.js';
import { StreamInfo } from './messages.js';

/** Every error answer of the HTTP API (and of a refused WebSocket upgrade). */
export const HttpErrorBody = z.object({ error: ProtocolErrorBody });
export type HttpErrorBody = z.infer<typeof HttpErrorBody>;

/** POST /api/login → IssuedToken (an operator token). */
export const LoginRequest = z.object({ password: z.string().min(1).max(256) });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const IssuedToken = z.object({ token: z.string().min(1), expiresAt: z.number() });
export type IssuedToken = z.infer<typeof IssuedToken>;

/**
 * POST /api/links (operator) → JoinLinks: a camera and a viewer link for a room, each with its token; and for
 * encoders and other players, the room's WHIP and WHEP URLs with the camera token an encoder sends as Bearer.
 */
export const LinksRequest = z.object({
  room: RoomId,
  /** Replace the room's RTMP/SRT stream key first (the old one stops working). */
  newKey: z.boolean().optional(),
  /** How an encoder's picture in this room is laid out (WHIP, RTMP, SRT; a browser camera says itself). */
  encoderStream: StreamInfo.optional(),
});
export type LinksRequest = z.infer<typeof LinksRequest>;

export const JoinLinks = z.object({
  room: RoomId,
  camera: z.url(),
  viewer: z.url(),
  whip: z.url(),
  whep: z.url(),
  cameraToken: z.string().min(1),
  /** The layout set for the room's encoders (mono-360 until an operator says otherwise). */
  encoderStream: StreamInfo,
  /** RTMP ingest (absent when it is off): the server URL and the room's stream key, which do not expire. */
  rtmp: z.object({ url: z.string().startsWith('rtmp://'), key: z.string().min(1) }).optional(),
  /** SRT ingest (absent when it is off): the URL an encoder calls, with the room and its key as streamid. */
  srt: z.string().startsWith('srt://').optional(),
  expiresAt: z.number(),
});
export type JoinLinks = z.infer<typeof JoinLinks>;

/** GET /api/token (Authorization: Bearer, or ?token=) → what the token allows, and until when. */
export const TokenInfo = z.object({
  role: z.enum(['camera', 'viewer', 'operator']),
  room: RoomId.optional(),
  expiresAt: z.number(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** POST /api/logout (operator) → 204: the token is revoked. */
