// Presence: where each viewer looks, and the teacher's "look here". Directions are in the camera's frame of
// reference — what part of the picture a viewer sees, whatever its own recenter did — in degrees: yaw 0 is
// the camera's front (the middle of its frame), positive to the right; pitch 0 is the horizon, positive up.
import { z } from 'zod';
import { PeerId, RoomId } from './ids.js';

export const Yaw = z.number().min(-180).max(180);
export const Pitch = z.number().min(-90).max(90);

/** A point of the camera's sphere. */
export const Direction = z.object({ yaw: Yaw, pitch: Pitch });
export type Direction = z.infer<typeof Direction>;

/** Where a viewer looks: the middle of its view, and the view's horizontal and vertical field, degrees. */
export const Gaze = Direction.extend({
  hfov: z.number().min(1).max(180),
  vfov: z.number().min(1).max(180),
});
export type Gaze = z.infer<typeof Gaze>;

/** How often a viewer may report its gaze; a page reports at most every GAZE_REPORT_MS, and only changes. */
export const GAZE_MAX_PER_SECOND = 10;
export const GAZE_REPORT_MS = 250;
/** A "look here" cue stays this long on the viewers' screens unless they look at it first. */
export const CUE_MS = 10_000;
/** A viewer has looked at a cue once the cue is this close to the middle of its view (degrees). */
export const CUE_SEEN_DEGREES = 15;

export const CueId = z.string().min(1).max(64).brand<'CueId'>();
export type CueId = z.infer<typeof CueId>;

/** One viewer's gaze; null: it does not share its gaze (or stopped, or left). */
export const GazeEntry = z.object({ peerId: PeerId, gaze: Gaze.nullable() });
export type GazeEntry = z.infer<typeof GazeEntry>;

export const presenceMethods = {
  /**
   * Viewer: where it looks now (null: it stops sharing). At most GAZE_MAX_PER_SECOND a second, or
   * `too_frequent` (the connection lives). Relayed to the room's camera and to operators watching the room,
   * never to other viewers; never logged or kept.
   */
  reportGaze: { params: z.object({ gaze: Gaze.nullable() }), result: z.object({}) },
  /**
   * Camera (its own room) or operator (`room` required): every viewer gets a cue at that direction. A new cue
   * replaces the one before. Viewers: `forbidden`.
   */
  lookHere: {
    params: Direction.extend({ room: RoomId.optional() }),
    result: z.object({ cueId: CueId }),
  },
  /** Viewer: it has looked at the cue (it came within CUE_SEEN_DEGREES of the middle of its view). */
  cueSeen: { params: z.object({ cueId: CueId }), result: z.object({}) },
  /**
   * Operator: follow one room's presence (`gaze` and `cue` events), or none (null). The first `gaze` event is
   * the whole room (`full`).
   */
  watchPresence: { params: z.object({ room: RoomId.nullable() }), result: z.object({}) },
} as const;

/** A cue as the camera side sees it: how many of the viewers it went to have looked at it. */
export const CueProgress = Direction.extend({
  room: RoomId,
  cueId: CueId,
  seen: z.number().int().min(0),
  of: z.number().int().min(0),
  /** Date.now() when the viewers' cues fade. */
  endsAt: z.number(),
});
export type CueProgress = z.infer<typeof CueProgress>;

export const presenceEvents = {
  /**
   * The room's camera and operators watching it, a few times a second while anything changed: viewers whose
   * gaze changed (null: not shared, or gone). `full`: this is everyone; forget the rest.
   */
  gaze: z.object({
    room: RoomId,
    full: z.boolean(),
    viewers: z.array(GazeEntry),
    /**
     * The names of viewers this page may not know: an operator watching the room on a node of a cluster
     * without the camera sees the whole room, viewers on other nodes too (by their ids on the camera's node).
     */
    names: z.record(z.string().max(64), z.string().max(64)).optional(),
  }),
  /** Viewers: the teacher asks them to look there. */
  lookHere: Direction.extend({ cueId: CueId, durationMs: z.number().int().min(0) }),
  /** The room's camera and operators watching it: the current cue and how many have looked at it. */
  cue: CueProgress,
} as const;
