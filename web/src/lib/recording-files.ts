// Where a recording's files are read: the service's file route, with the replay link's token in the query
// (a <video> element and a download link cannot send an Authorization header). No token: a public replay.
import type { RecordingId, RecordingSegment } from '@inclubit/sfu/protocol';

export function recordingFileUrl(
  id: RecordingId,
  name: string,
  { token, download = false }: { token?: string | undefined; download?: boolean } = {},
): string {
  const query = new URLSearchParams();
  if (token) query.set('t', token);
  if (download) query.set('download', '1');
  const q = query.toString();
  return `/api/recordings/${id}/files/${encodeURIComponent(name)}${q ? `?${q}` : ''}`;
}

/** What a browser plays of a segment: its MP4 copy where there is one (H264, 360 boxes), else the WebM. */
export const playableFile = (segment: RecordingSegment): string => segment.mp4 ?? segment.file;
