// Recordings (operator HTTP API): what a recording is, as the service keeps it beside its files and as the
// dashboard and scripts read it. A recording is one or more segments (a camera reload, a codec change or a
// source switch starts the next); each segment is a playable file, with an MP4 copy where the codec allows.
import { z } from 'zod';
import { RoomId } from './ids.js';
import { Projection, type StreamInfo } from './messages.js';

/** `<room>-<yyyymmdd>-<hhmmss>-<4 letters>`: also the folder the files are in. */
export const RecordingId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}-\d{8}-\d{6}-[a-z0-9]{4}$/, 'a recording id')
  .brand<'RecordingId'>();
export type RecordingId = z.infer<typeof RecordingId>;

/**
 * waiting: started while the room has no camera (it begins when one comes); recording; finished: stopped by
 * an operator or when the room ended; stopped: ended by the service with a reason (quota, disk full);
 * failed: the recorder died (reason), what it wrote stays.
 */
export const RecordingState = z.enum(['waiting', 'recording', 'finished', 'stopped', 'failed']);
export type RecordingState = z.infer<typeof RecordingState>;

/** A file name inside the recording's folder (no path). */
const FileName = z.string().regex(/^[\w.-]{1,200}$/);

export const RecordingSegment = z.object({
  /** The Matroska (H264) or WebM (VP8/VP9) file, as written. */
  file: FileName,
  /** Its MP4 copy with Spherical Video V2 boxes, once made (none for VP8). */
  mp4: FileName.optional(),
  /** Its picture's layout (a new layout starts a new segment); unset in manifests from before: the recording's. */
  projection: Projection.optional(),
  swapEyes: z.boolean().optional(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  /** "video/H264", "audio/opus"…, as recorded. */
  codecs: z.array(z.string()),
  bytes: z.number().int().min(0),
  /** Why this segment ended badly (its recorder died, its 360 metadata could not be written). */
  error: z.string().optional(),
});
export type RecordingSegment = z.infer<typeof RecordingSegment>;

export const RecordingInfo = z.object({
  id: RecordingId,
  room: RoomId,
  startedAt: z.number(),
  endedAt: z.number().optional(),
  state: RecordingState,
  reason: z.string().optional(),
  projection: Projection,
  swapEyes: z.boolean(),
  segments: z.array(RecordingSegment),
});
export type RecordingInfo = z.infer<typeof RecordingInfo>;

/** A segment's layout: its own (kept with it), else the recording's (a manifest written before that). */
export const segmentLayout = (segment: RecordingSegment, info: RecordingInfo): StreamInfo => ({
  projection: segment.projection ?? info.projection,
  swapEyes: segment.swapEyes ?? info.swapEyes,
});

/** GET /api/recordings: every recording, newest first, and the space they take. */
export const RecordingLibrary = z.object({
  recordings: z.array(RecordingInfo),
  usedBytes: z.number().int().min(0),
  quotaBytes: z.number().int().min(0),
  /** Free space on the disk that holds RECORDINGS_DIR. */
  freeBytes: z.number().int().min(0),
});
export type RecordingLibrary = z.infer<typeof RecordingLibrary>;

/**
 * Per room (GET/PUT /api/rooms/:room/recording-settings): `autoRecord` records whenever the room's camera is
 * live; `publicReplays` lets anyone open the room's recordings in the viewer without a link — only where
 * rooms are open (ROOM_ACCESS=open), as watching the room live is.
 */
export const RecordingSettings = z.object({ autoRecord: z.boolean(), publicReplays: z.boolean() });
export type RecordingSettings = z.infer<typeof RecordingSettings>;
export const defaultRecordingSettings: RecordingSettings = { autoRecord: false, publicReplays: false };

/** PUT body: what to change. */
export const RecordingSettingsChange = RecordingSettings.partial().strict();
export type RecordingSettingsChange = z.infer<typeof RecordingSettingsChange>;

/**
 * POST /api/recordings/:id/link: a signed link that opens the recording in the viewer (/replay/<id>?t=…) and
 * lets its holder read the recording's files; the token opens nothing else.
 */
export const ReplayLink = z.object({
  id: RecordingId,
  url: z.string(),
  token: z.string(),
  expiresAt: z.number(),
});
export type ReplayLink = z.infer<typeof ReplayLink>;
