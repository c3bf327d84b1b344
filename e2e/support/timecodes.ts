// The camera page's time code (web/src/camera/timecode.ts) read back from a recording: from every frame of a
// file (decoded by Debian's ffmpeg), and from the frame a page's video element shows now.
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { readTimecode } from '../../web/src/camera/timecode.js';

const W = 160;
const H = 80;

/** The time code of each frame of the file's video, in order (undefined where a frame does not read). */
export function fileTimecodes(file: string): (number | undefined)[] {
  // Nearest-neighbour scaling keeps the cells' centres crisp; every frame as stored, none duplicated.
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-fps_mode',
      'passthrough',
      '-vf',
      `scale=${W}:${H}:flags=neighbor`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ],
    { maxBuffer: 512 * 2 ** 20 },
  );
  const frame = W * H * 4;
  const codes: (number | undefined)[] = [];
  for (let at = 0; at + frame <= raw.length; at += frame)
    codes.push(readTimecode(raw.subarray(at, at + frame), W, H));
  return codes;
}

/** The time code of the frame the page's `video.media-sink` shows now. */
export async function shownTimecode(page: Page): Promise<number | undefined> {
  await page.evaluate(`globalThis.__readTimecode ??= ${readTimecode.toString()}`);
  return page.evaluate(() => {
    type Reader = (px: Uint8ClampedArray, w: number, h: number) => number | undefined;
    const read = (window as unknown as { __readTimecode: Reader }).__readTimecode;
    const video = document.querySelector('video.media-sink') as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 160;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0, 320, 160);
    return read(ctx.getImageData(0, 0, 320, 160).data, 320, 160);
  });
}
