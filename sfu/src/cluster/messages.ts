// What nodes say to each other through Redis, as data: the node record every node keeps fresh, and the bus
// messages (pipe offers, answers, track changes, closes). Everything read from Redis is parsed with these
// schemas first; what does not parse is somebody else's message or garbage, and is dropped with a log line.
import { z } from 'zod';
import {
  ClusterNodeInfo,
  CueId,
  Direction,
  GazeEntry,
  presenceEvents,
  MediaKind,
  NodeId,
  ProducerId,
  RoomId,
  PeerId,
  RtpParameters,
  StreamInfo,
  Talkback,
} from '../protocol/index.js';

export { NodeId };

/** A node as the cluster sees it: where to reach it and how busy it is. Rewritten at every heartbeat. */
export const NodeRecord = ClusterNodeInfo;
export type NodeRecord = ClusterNodeInfo;

export const SrtpParameters = z.object({
  cryptoSuite: z.enum([
    'AEAD_AES_256_GCM',
    'AEAD_AES_128_GCM',
    'AES_CM_128_HMAC_SHA1_80',
    'AES_CM_128_HMAC_SHA1_32',
  ]),
  keyBase64: z.string().max(128),
});
export type SrtpParameters = z.infer<typeof SrtpParameters>;

/** One end of a pipe: where its transport listens and the key it sends with. */
export const PipeEnd = z.object({
  ip: z.string().max(64),
  port: z.number().int().min(1).max(65535),
  srtp: SrtpParameters,
});
export type PipeEnd = z.infer<typeof PipeEnd>;

/** One of the camera's tracks as the origin sends it down a pipe (its pipe consumer's parameters). */
export const PipedTrack = z.object({
  producerId: ProducerId,
  kind: MediaKind,
  rtpParameters: RtpParameters,
  paused: z.boolean(),
});
export type PipedTrack = z.infer<typeof PipedTrack>;

const from = { from: NodeId };

/** An edge asks the room's origin for a pipe; the origin answers with its end and the camera's tracks. */
export const PipeOpen = z.object({
  type: z.literal('pipeOpen'),
  ...from,
  rid: z.string().max(64),
  room: RoomId,
  end: PipeEnd,
});
export const PipeOpened = z.object({
  type: z.literal('pipeOpened'),
  ...from,
  rid: z.string().max(64),
  room: RoomId,
  result: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      end: PipeEnd,
      stream: StreamInfo,
      talkback: Talkback,
      /** The room is being recorded on the origin (its viewers everywhere show REC). */
      recording: z.boolean(),
      /** The room's viewer cap, across the cluster. */
      maxViewers: z.number().int().positive(),
      tracks: z.array(PipedTrack).max(16),
    }),
    z.object({ ok: z.literal(false), reason: z.string().max(512) }),
  ]),
});
/** Origin → edge: the camera added a track (a new camera, or its sound turned on). */
export const PipeTrackAdded = z.object({
  type: z.literal('pipeTrackAdded'),
  ...from,
  room: RoomId,
  track: PipedTrack,
});
/** Either way: a track paused, resumed or ended (origin → edge: the camera's; edge → origin: a voice). */
export const PipeTrackState = z.object({
  type: z.literal('pipeTrackState'),
  ...from,
  room: RoomId,
  producerId: ProducerId,
  state: z.enum(['paused', 'resumed', 'closed']),
});
/** Origin → edge: the camera described its stream anew. */
export const PipeStream = z.object({
  type: z.literal('pipeStream'),
  ...from,
  room: RoomId,
  stream: StreamInfo,
});
/** Either way: this end closed the room's pipe (the edge has no viewers left; the origin lost its camera). */
export const PipeClose = z.object({
  type: z.literal('pipeClose'),
  ...from,
  room: RoomId,
  reason: z.string().max(256),
});
/** Edge → origin: a viewer watches there (sent again when its name changes or it starts to speak). */
export const PipeViewer = z.object({
  type: z.literal('pipeViewer'),
  ...from,
  room: RoomId,
  /** The viewer on the edge. */
  peerId: PeerId,
  displayName: z.string().max(64).optional(),
  /** A page (it reports its gaze and takes "look here" cues), not a WHEP player. */
  page: z.boolean().optional(),
  /** Its voice (talkback), piped: the edge's producer id and the pipe consumer's parameters. */
  voice: PipedTrack.optional(),
});
/** Edge → origin: that viewer left. */
export const PipeViewerLeft = z.object({
  type: z.literal('pipeViewerLeft'),
  ...from,
  room: RoomId,
  peerId: PeerId,
});
/** Origin → edge: the camera muted that viewer. */
export const PipeVoiceMuted = z.object({
  type: z.literal('pipeVoiceMuted'),
  ...from,
  room: RoomId,
  peerId: PeerId,
});
/** Origin → edge: the camera set the room's talkback. */
export const PipeTalkback = z.object({
  type: z.literal('pipeTalkback'),
  ...from,
  room: RoomId,
  talkback: Talkback,
});
/** Origin → edge: a recording of the room started or ended there. */
export const PipeRecording = z.object({
  type: z.literal('pipeRecording'),
  ...from,
  room: RoomId,
  recording: z.boolean(),
});
/** Origin → edge: the operator removed that viewer (its stand-in here). */
export const PipeViewerKick = z.object({
  type: z.literal('pipeViewerKick'),
  ...from,
  room: RoomId,
  peerId: PeerId,
  reason: z.string().max(256),
});
/** Edge → origin: where the edge's viewers look (what changed, or everyone when `full`), batched there. */
export const PipeGaze = z.object({
  type: z.literal('pipeGaze'),
  ...from,
  room: RoomId,
  full: z.boolean(),
  viewers: z.array(GazeEntry).max(10_000),
});
/** Origin → edge: the camera's "look here", for these of the edge's viewers. */
export const PipeLookHere = z.object({
  type: z.literal('pipeLookHere'),
  ...from,
  room: RoomId,
  peerIds: z.array(PeerId).max(10_000),
  cue: presenceEvents.lookHere,
});
/** Edge → origin: that viewer has looked at the cue. */
export const PipeCueSeen = z.object({
  type: z.literal('pipeCueSeen'),
  ...from,
  room: RoomId,
  peerId: PeerId,
  cueId: CueId,
});
/** Edge → origin: operators on the edge follow the room's presence (again after a new pipe), or none does. */
export const PipeWatchPresence = z.object({
  type: z.literal('pipeWatchPresence'),
  ...from,
  room: RoomId,
  watching: z.boolean(),
});
/**
 * Origin → edge, while the edge watches: the room's whole picture as the origin's operators get it (the
 * first batch `full`), with the names of the viewers in each batch; and the cue's count.
 */
export const PipePresence = z.object({
  type: z.literal('pipePresence'),
  ...from,
  room: RoomId,
  gaze: presenceEvents.gaze.extend({ viewers: z.array(GazeEntry).max(10_000) }).optional(),
  cue: presenceEvents.cue.optional(),
});
/** Edge → origin: an operator on the edge says "look here" (the cue is made, sent and counted there). */
export const PipeLook = Direction.extend({
  type: z.literal('pipeLook'),
  ...from,
  room: RoomId,
  cueId: CueId,
});
/** To every node: an operator closed the room, or capped its viewers (across the cluster). */
export const RoomOperated = z.object({
  type: z.literal('roomOperated'),
  ...from,
  room: RoomId,
  change: z.union([
    z.object({ close: z.string().max(256) }),
    z.object({ maxViewers: z.number().int().positive() }),
  ]),
});
/** To every node: the room's camera is now on `from` (edges serving the room pipe from there). */
export const OriginMoved = z.object({ type: z.literal('originMoved'), ...from, room: RoomId });

export const BusMessage = z.discriminatedUnion('type', [
  PipeOpen,
  PipeOpened,
  PipeTrackAdded,
  PipeTrackState,
  PipeStream,
  PipeClose,
  PipeViewer,
  PipeViewerLeft,
  PipeVoiceMuted,
  PipeTalkback,
  PipeRecording,
  PipeViewerKick,
  PipeGaze,
  PipeLookHere,
  PipeCueSeen,
  PipeWatchPresence,
  PipePresence,
  PipeLook,
  RoomOperated,
  OriginMoved,
]);
export type BusMessage = z.infer<typeof BusMessage>;
export type BusMessageOf<T extends BusMessage['type']> = Extract<BusMessage, { type: T }>;

/** What the origin tells an edge about a room's pipe (the edge's EdgeSource handles each). */
export type OriginToEdge =
  | 'pipeTrackAdded'
  | 'pipeTrackState'
  | 'pipeStream'
  | 'pipeClose'
  | 'pipeVoiceMuted'
  | 'pipeTalkback'
  | 'pipeRecording'
  | 'pipeViewerKick'
  | 'pipeLookHere'
  | 'pipePresence';
