// An RTMP or SRT camera nobody in this project wrote: Debian's ffmpeg pushing, in real time and looped, a clip
// it generated first — an equirectangular (2:1) test picture with a 440 Hz tone in AAC, encoded either as
// Baseline H264 (no B-frames: the bridge copies it), as High without B-frames (copied too), or as Main with
// B-frames (the bridge re-encodes it); or the tone alone (a source with sound only).
// Killed and reaped by `stop`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runFfmpeg } from '../../sfu/src/test-support/ffmpeg-push.js';

export type ClipKind = 'baseline' | 'bframes' | 'high' | 'sound';

export interface Encoder {
  exited: Promise<{ code: number | null; stderr: string }>;
  running(): boolean;
  stop(): Promise<void>;
}

const clipDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-clips-'));

/** A 6 s clip (looped when pushed), made once per kind and size. */
export async function makeClip(kind: ClipKind, size = '1280x640'): Promise<string> {
  const file = path.join(clipDir, `${kind}-${size}.mp4`);
  if (fs.existsSync(file)) return file;
  const h264 = {
    baseline: ['-profile:v', 'baseline'],
    high: ['-profile:v', 'high', '-bf', '0'],
    bframes: ['-profile:v', 'main', '-bf', '2', '-b_strategy', '0'],
    sound: [],
  }[kind];
  const sound = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  const inputs = kind === 'sound' ? sound : ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`, ...sound];
  const video = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p', ...h264];
  await promisify(execFile)('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', ...inputs, '-t', '6'],
    ...(kind === 'sound' ? [] : video),
    ...['-c:a', 'aac', '-b:a', '128k', file],
  ]);
  return file;
}

/** Pushes the clip to an rtmp:// (FLV) or srt:// (MPEG-TS) URL, looping, at its own pace. */
export function startEncoder(url: string, clip: string): Encoder {
  const format = url.startsWith('srt:') ? 'mpegts' : 'flv';
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-c', 'copy'];
  const push = runFfmpeg([...args, '-f', format, url]);
  return {
    exited: push.exited,
    running: () => push.child.exitCode === null && push.child.signalCode === null,
    stop: () => push.stop(),
  };
}
