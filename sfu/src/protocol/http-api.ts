// The operator's HTTP API (login, logout, links, token info): request and response bodies as schemas, like
// the signaling messages. The service parses requests with them; pages decode responses with them.
import { z } from 'zod';
import { ProtocolErrorBody } from './errors.js';
import { NodeId, ProducerId, RoomId } from './ids.js';
import { MediaKind } from './rtp.js';
import { StreamInfo } from './messages.js';
import { RecordingId } from './recordings.js';

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
  role: z.enum(['camera', 'viewer', 'operator', 'replay']),
  room: RoomId.optional(),
  /** A replay link's recording. */
  recording: RecordingId.optional(),
  expiresAt: z.number(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** POST /api/logout (operator) → 204: the token is revoked. */

/** A node of a cluster as every node sees it (its record in Redis, rewritten at each heartbeat). */
export const ClusterNodeInfo = z.object({
  id: NodeId,
  /** Where pages reach this node (its own origin: https://edge-2.school.example). */
  httpUrl: z.string().max(512),
  /** The address other nodes send pipe media to. */
  mediaIp: z.string().max(64),
  startedAt: z.number(),
  load: z.object({
    viewers: z.number().int().nonnegative(),
    maxViewers: z.number().int().nonnegative(),
    /** Bytes per second this node sends (viewers and pipes). */
    egressBps: z.number().nonnegative(),
    /** The busiest worker's CPU share over the last interval, 0..1. */
    cpu: z.number().nonnegative(),
  }),
  /** The rooms open on the node, with their local viewers, and whether the room's camera is there. */
  rooms: z.array(z.object({ room: RoomId, viewers: z.number().int().nonnegative(), origin: z.boolean() })),
});
export type ClusterNodeInfo = z.infer<typeof ClusterNodeInfo>;

/** One track on a pipe between two nodes, with mediasoup's counters for it on this end. */
export const PipedTrackInfo = z.object({
  producerId: ProducerId,
  kind: MediaKind,
  /** Sending end: packets sent and retransmitted (RTX answering the other end's NACKs). */
  packetsSent: z.number().optional(),
  packetsRetransmitted: z.number().optional(),
  /** Receiving end: packets lost on the way, NACKs sent, packets repaired by retransmission. */
  packetsLost: z.number().optional(),
  nackCount: z.number().optional(),
  packetsRepaired: z.number().optional(),
  /** Sending end: the link's round trip, from the other end's receiver reports (ms). */
  roundTripTime: z.number().optional(),
});
export type PipedTrackInfo = z.infer<typeof PipedTrackInfo>;

/**
 * GET /api/cluster (operator) → this node's view of the cluster: every live node, and this node's pipes —
 * as origin, one per room and edge node with one consumer per camera track; as edge, one per room.
 */
export const ClusterView = z.object({
  node: NodeId,
  redis: z.enum(['connected', 'unreachable']),
  nodes: z.array(ClusterNodeInfo),
  /** Pipes from this node (it has the camera) to edge nodes. */
  toEdges: z.array(
    z.object({
      room: RoomId,
      edge: NodeId,
      /** The pipe's transport as mediasoup dumps it: its consumers, one per camera track. */
      consumers: z.array(PipedTrackInfo),
      bytesSent: z.number(),
    }),
  ),
  /** Pipes into this node from the room's origin. */
  fromOrigins: z.array(
    z.object({ room: RoomId, origin: NodeId, tracks: z.array(PipedTrackInfo), bytesReceived: z.number() }),
  ),
});
export type ClusterView = z.infer<typeof ClusterView>;
