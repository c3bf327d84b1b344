// A finished segment made a 360 file: its Matroska/WebM video track gets the projection and stereo mode
// (mkvpropedit edits the file in place, no rewrite), and an MP4 copy is written beside it (ffmpeg copies the
// streams; with `-strict unofficial` it turns the projection into Spherical Video V2 boxes, sv3d and st3d).
// VP8 has no MP4 mapping: a VP8 recording stays WebM only. A file cut short (its ffmpeg died) is copied
// whole first, so that players know its length and can seek.
import { execFile, type ExecFileOptions } from 'node:child_process';
import { rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { StreamInfo } from '../protocol/index.js';
import { asBackground } from './background.js';
import { sphericalMetadata } from './spherical.js';

const execFileAsync = promisify(execFile);
/** Runs a tool on the file, in the background (see background.ts). */
async function run(file: string, args: string[], options: ExecFileOptions = {}): Promise<void> {
  const running = execFileAsync(file, args, options);
  asBackground(running.child);
  await running;
}

export interface Tools {
  ffmpeg: string;
  mkvpropedit: string;
}

/** Whether the video codec has an MP4 mapping (H264 does, VP9 does, VP8 does not). */
export const mp4Possible = (videoMime: string | undefined): boolean =>
  videoMime === undefined || !/vp8/i.test(videoMime);

export async function finalizeSegment(
  file: string,
  stream: StreamInfo,
  videoMime: string | undefined,
  tools: Tools,
  { cutShort = false }: { cutShort?: boolean } = {},
): Promise<{ mp4: string | undefined }> {
  // A file whose writer died has no end (no duration, no index): copied once more, it gets them.
  if (cutShort) {
    const whole = file.replace(/(\.\w+)$/, '.whole$1');
    await run(tools.ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', file],
      ...['-map', '0', '-c', 'copy', whole],
    ]);
    await rename(whole, file);
  }
  if (videoMime !== undefined) {
    const props = sphericalMetadata(stream).trackProperties.flatMap((p) => ['--set', p]);
    await run(tools.mkvpropedit, [file, '--edit', 'track:v1', ...props], { timeout: 60_000 });
  }
  if (!mp4Possible(videoMime)) return { mp4: undefined };
  const mp4 = file.replace(/\.(mkv|webm)$/, '.mp4');
  await run(
    tools.ffmpeg,
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', file],
      ...['-map', '0', '-c', 'copy', '-strict', 'unofficial', '-movflags', '+faststart', mp4],
    ],
    { timeout: 300_000 },
  );
  return { mp4 };
}
