// The signaling protocol as data: one schema per request (params and result) and per server event.
// Both the SFU and the web app import these; types are inferred from the schemas, never written twice.
import { z } from 'zod';
import { ConsumerId, NodeId, PeerId, ProducerId, RoomId, TransportId } from './ids.js';
import {
  DtlsParameters,
  IceCandidate,
  IceParameters,
  MediaKind,
  RtpCapabilities,
  RtpParameters,
} from './rtp.js';
import { presenceEvents, presenceMethods } from './presence.js';

export const Role = z.enum(['camera', 'viewer']);
export type Role = z.infer<typeof Role>;

/**
 * How the camera's frame maps onto the sphere. Stereo formats pack both eyes in one frame: top-bottom (left
 * eye on top) or side-by-side (left eye on the left), unless `swapEyes` says the halves are the other way.
 */
export const Projection = z.enum([
  'mono-360',
  'stereo-360-tb',
  'stereo-360-sbs',
  'stereo-180-sbs',
  'mono-180',
]);
export type Projection = z.infer<typeof Projection>;

/** The camera's description of its stream, announced to every viewer. */
export const StreamInfo = z.object({ projection: Projection, swapEyes: z.boolean() });
export type StreamInfo = z.infer<typeof StreamInfo>;
export const defaultStreamInfo: StreamInfo = { projection: 'mono-360', swapEyes: false };

/**
 * The picture a viewer asks for from a camera that sends several layers: `auto` lets the bandwidth estimate
 * choose (up to what the viewer's screen can show), `high` / `medium` / `low` cap it at the top, middle or
 * lowest layer. A camera that sends one layer gives that layer whatever is asked.
 */
export const Quality = z.enum(['auto', 'high', 'medium', 'low']);
export type Quality = z.infer<typeof Quality>;

/** The layer a viewer receives of a layered video track, and the ceiling its choice sets. */
export const Layers = z.object({
  consumerId: ConsumerId,
  /** The spatial and temporal layer being forwarded now (null: none, e.g. while paused). */
  spatialLayer: z.number().int().min(0).nullable(),
  temporalLayer: z.number().int().min(0).nullable(),
  /** How many spatial layers the camera sends, and the highest this viewer may get. */
  spatialLayers: z.number().int().min(1),
  ceiling: z.number().int().min(0),
});
export type Layers = z.infer<typeof Layers>;

/** A STUN/TURN server for RTCPeerConnection, with short-lived credentials where it is TURN. */
export const IceServer = z.object({
  urls: z.array(z.string().max(256)).min(1),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** A track in the room: the camera's picture and sound, or a viewer's voice (talkback). */
export const ProducerInfo = z.object({
  producerId: ProducerId,
  kind: MediaKind,
  peerId: PeerId,
  source: z.enum(['camera', 'talkback']),
});
export type ProducerInfo = z.infer<typeof ProducerInfo>;

/**
 * Who in the class may speak back: `off` (nobody), `push-to-talk` (while a button is held), `open` (unmute
 * and stay unmuted). The camera always hears talkback; viewers hear each other only if the room says so.
 */
export const TalkbackMode = z.enum(['off', 'push-to-talk', 'open']);
export type TalkbackMode = z.infer<typeof TalkbackMode>;
export const Talkback = z.object({ mode: TalkbackMode, viewersHearEachOther: z.boolean() });
export type Talkback = z.infer<typeof Talkback>;
export const defaultTalkback: Talkback = { mode: 'push-to-talk', viewersHearEachOther: false };

/** A viewer as the camera page lists it: name, and whether its microphone reaches the room. */
export const AudienceMember = z.object({
  peerId: PeerId,
  displayName: z.string().optional(),
  talkback: z.enum(['none', 'muted', 'live']),
  producerId: ProducerId.optional(),
  /** Whether its page shares where it looks (see `reportGaze`). */
  sharesGaze: z.boolean(),
});
export type AudienceMember = z.infer<typeof AudienceMember>;

const DisplayName = z.string().trim().min(1).max(64);

const TransportOptions = z.object({
  transportId: TransportId,
  iceParameters: IceParameters,
  iceCandidates: z.array(IceCandidate),
  dtlsParameters: DtlsParameters,
});

const empty = z.object({});

const ResumeToken = z.string().min(16).max(128);

/** What a page measures on its side, reported every few seconds for the operator's dashboard. */
export const ClientStats = z.object({
  width: z.number().int().min(0).max(16384).optional(),
  height: z.number().int().min(0).max(16384).optional(),
  fps: z.number().min(0).max(1000).optional(),
  bitrateBps: z.number().min(0).max(1e10).optional(),
  lossPercent: z.number().min(0).max(100).optional(),
  rttMs: z.number().min(0).max(60_000).optional(),
  connection: z.enum(['direct', 'relay']).optional(),
  /** The camera: each layer it sends, lowest first (when it sends layers). */
  layers: z
    .array(
      z.object({
        width: z.number().int().min(0).max(16384),
        height: z.number().int().min(0).max(16384),
        fps: z.number().min(0).max(1000),
        bitrateBps: z.number().min(0).max(1e10),
        sending: z.boolean(),
      }),
    )
    .max(4)
    .optional(),
});
export type ClientStats = z.infer<typeof ClientStats>;

const Figures = ClientStats.extend({ bitrateBps: z.number().min(0) });

export const ViewerSummary = Figures.extend({
  peerId: PeerId,
  displayName: z.string().optional(),
  device: z.string(),
  joinedAt: z.number(),
  /** mediasoup's 0–10 score of the video the viewer receives. */
  score: z.number().optional(),
  /** The layer received of a camera that sends layers, and the ceiling the viewer's choice sets. */
  layer: z
    .object({
      spatial: z.number().int().nullable(),
      temporal: z.number().int().nullable(),
      of: z.number().int(),
      ceiling: z.number().int(),
    })
    .optional(),
  /** What the SFU estimates it can send this viewer, bits per second (when it has an estimate). */
  estimateBps: z.number().optional(),
});
export type ViewerSummary = z.infer<typeof ViewerSummary>;

/** How the room's camera arrives: a browser page, a WHIP client, or an RTMP / SRT push bridged by the server. */
/** How the room's camera arrives here; `origin`: relayed from the node that has the camera (a cluster). */
export const SourceKind = z.enum(['browser', 'whip', 'rtmp', 'srt', 'origin']);
export type SourceKind = z.infer<typeof SourceKind>;

export const RoomSummary = z.object({
  room: RoomId,
  createdAt: z.number(),
  maxViewers: z.number().int(),
  stream: StreamInfo,
  /** A recording of the room runs (here, or on the camera's node). */
  recording: z.boolean(),
  camera: Figures.extend({
    peerId: PeerId,
    source: SourceKind,
    device: z.string(),
    live: z.boolean(),
    codec: z.string().optional(),
    /** An RTMP/SRT source: whether the server re-encodes its picture (else it is copied as sent). */
    reencoded: z.boolean().optional(),
  }).nullable(),
  viewers: z.array(ViewerSummary),
  /** Everything the room sends to its viewers, bits per second. */
  egressBps: z.number(),
});
export type RoomSummary = z.infer<typeof RoomSummary>;

export const methods = {
  /** Enter a room with a role. A room holds at most one camera. */
  join: {
    params: z.object({
      room: RoomId,
      role: Role,
      displayName: DisplayName.optional(),
      /** From a `node_full` answer's `moved`: this node admits the viewer it was sent. */
      ticket: z.string().max(2048).optional(),
    }),
    result: z.object({
      peerId: PeerId,
      routerRtpCapabilities: RtpCapabilities,
      /** What this peer should consume now: the camera's tracks, and talkback it may hear. */
      producers: z.array(ProducerInfo),
      stream: StreamInfo,
      /** The camera's picture has stopped arriving (see the `cameraStalled` event). */
      cameraStalled: z.boolean(),
      talkback: Talkback,
      /** The room is being recorded (see the `recordingChanged` event): pages show a REC mark. */
      recording: z.boolean(),
      /** TURN servers to use, with credentials valid for this peer for a few hours; empty without TURN. */
      iceServers: z.array(IceServer),
      /** Proof of being this peer, for `resume` on a new connection after this one drops. */
      resumeToken: ResumeToken,
      /** In a cluster: this node, and every live node's page address, to go on at if this one dies. */
      cluster: z
        .object({ node: NodeId, nodes: z.array(z.object({ id: NodeId, url: z.url() })).max(256) })
        .optional(),
    }),
  },
  /**
   * On a new connection, become the same peer again after the old connection dropped: its transports,
   * producers and consumers are still there while the server's grace period lasts. `not_found` after it:
   * join afresh. The result is the room as it is now, to reconcile what was missed while away.
   */
  resume: {
    params: z.object({ peerId: PeerId, resumeToken: ResumeToken }),
    result: z.object({
      peerId: PeerId,
      role: Role,
      producers: z.array(ProducerInfo),
      stream: StreamInfo,
      cameraStalled: z.boolean(),
      talkback: Talkback,
      recording: z.boolean(),
      /** The peer's consumers still open, so the page can drop any it no longer has. */
      consumerIds: z.array(ConsumerId),
    }),
  },
  /** A transport whose ICE went `disconnected`/`failed` (network change): new ICE parameters for it. */
  restartIce: {
    params: z.object({ transportId: TransportId }),
    result: z.object({ iceParameters: IceParameters }),
  },
  /** Camera only: describe the stream (projection); viewers get `streamChanged`. */
  setStream: { params: StreamInfo, result: empty },
  createTransport: {
    params: z.object({ direction: z.enum(['send', 'recv']) }),
    result: TransportOptions,
  },
  connectTransport: {
    params: z.object({ transportId: TransportId, dtlsParameters: DtlsParameters }),
    result: empty,
  },
  /**
   * Publish one track: the camera at most one audio and one video; a viewer one audio track (talkback),
   * refused with `talkback_off` while the room does not allow it.
   */
  produce: {
    params: z.object({ transportId: TransportId, kind: MediaKind, rtpParameters: RtpParameters }),
    result: z.object({ producerId: ProducerId }),
  },
  closeProducer: {
    params: z.object({ producerId: ProducerId }),
    result: empty,
  },
  /** Mute (pause) or unmute one's own track; a viewer's unmute is refused with `talkback_off` when off. */
  pauseProducer: { params: z.object({ producerId: ProducerId }), result: empty },
  resumeProducer: { params: z.object({ producerId: ProducerId }), result: empty },
  /** Camera only: who may speak back, and whether viewers hear each other. Everyone gets `talkbackChanged`. */
  setTalkback: { params: Talkback, result: empty },
  /** The name the camera's audience list shows for this peer. */
  setDisplayName: { params: z.object({ displayName: DisplayName }), result: empty },
  /** Camera only: mute a viewer's microphone; the viewer gets `talkbackMuted` and may unmute again. */
  muteViewer: { params: z.object({ peerId: PeerId }), result: empty },
  /** Receive a producer this peer may hear or see (see `join`'s producers). The consumer starts paused. */
  consume: {
    params: z.object({ producerId: ProducerId, rtpCapabilities: RtpCapabilities }),
    result: z.object({
      consumerId: ConsumerId,
      producerId: ProducerId,
      kind: MediaKind,
      rtpParameters: RtpParameters,
    }),
  },
  /**
   * Viewer: the picture it asks for (remembered for this peer and applied to every video track it receives)
   * and the width of a full 360° frame its screen can show at its field of view, which caps `auto`.
   * The answer is the ceiling per layered track now; `layersChanged` follows as layers change.
   */
  setQuality: {
    params: z.object({ quality: Quality, wantedWidth: z.number().int().min(1).max(65_536).optional() }),
    result: z.object({ layers: z.array(Layers) }),
  },
  /** Unpause a consumer once the client is ready to render it (asks the camera for a keyframe). */
  resumeConsumer: {
    params: z.object({ consumerId: ConsumerId }),
    result: empty,
  },
  leave: { params: empty, result: empty },
  /**
   * Liveness, asked by the page every few seconds: after a network change a connection can die without
   * either end hearing of it (half-open TCP), and a browser cannot send WebSocket pings itself.
   */
  ping: { params: empty, result: empty },
  /** Any joined peer: its own measurements, for the dashboard. */
  reportStats: { params: ClientStats, result: empty },

  /** Operator: every room now; `roomsChanged` events follow while the connection lasts. */
  watchRooms: { params: empty, result: z.object({ rooms: z.array(RoomSummary) }) },
  /** Operator: remove a peer; its page is told and does not rejoin by itself. */
  kickPeer: { params: z.object({ room: RoomId, peerId: PeerId }), result: empty },
  /** Operator: end a room for everyone in it. */
  closeRoom: { params: z.object({ room: RoomId }), result: empty },
  setRoomLimit: {
    params: z.object({ room: RoomId, maxViewers: z.number().int().min(1).max(10_000) }),
    result: empty,
  },
  ...presenceMethods,
} as const;

export type Method = keyof typeof methods;
export type Params<M extends Method> = z.infer<(typeof methods)[M]['params']>;
export type Result<M extends Method> = z.infer<(typeof methods)[M]['result']>;

export const events = {
  producerAdded: ProducerInfo,
  consumerClosed: z.object({ consumerId: ConsumerId }),
  streamChanged: StreamInfo,
  /**
   * Viewers: the camera is there but its picture stopped arriving (`stalled: true`, a few seconds after the
   * last packet), or flows again. Pages show "waiting for the camera" meanwhile.
   */
  cameraStalled: z.object({ stalled: z.boolean() }),
  /** A layered video track this viewer receives changed layer (the bandwidth estimate, or its own choice). */
  layersChanged: Layers,
  talkbackChanged: Talkback,
  /**
   * Everyone in the room: a recording of it started or ended. While `recording`, the camera page and every
   * viewer show a REC mark (the people in the room must know).
   */
  recordingChanged: z.object({ recording: z.boolean() }),
  /** This viewer's microphone was muted by the camera side (or because talkback was turned off). */
  talkbackMuted: z.object({ reason: z.string() }),
  /** Camera only: the viewers in the room now, whenever someone comes, goes, or (un)mutes. */
  audience: z.object({ viewers: z.array(AudienceMember) }),
  /** The room ended under this peer. `rejoin`: whether joining again makes sense (false when an operator closed it). */
  roomClosed: z.object({ reason: z.string(), rejoin: z.boolean() }),
  /** An operator removed this peer; the connection closes next. */
  kicked: z.object({ reason: z.string() }),
  /** Operator dashboards: rooms whose summary changed, and rooms that closed. */
  roomsChanged: z.object({ rooms: z.array(RoomSummary), removed: z.array(RoomId) }),
  ...presenceEvents,
} as const;

export type EventName = keyof typeof events;
export type EventData<E extends EventName> = z.infer<(typeof events)[E]>;
