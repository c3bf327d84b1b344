// A real RTMP or SRT encoder for tests: Debian's ffmpeg pushing a generated test picture (and a tone) to a
// URL (rtmp:// as FLV, srt:// as MPEG-TS in caller mode).
// Killed and reaped by `stop`; `exited` says how it ended and what it printed.
import { spawn, type ChildProcess } from 'node:child_process';

export interface PushOptions {
  /** Encode with B-frames (Main profile), which the bridge must re-encode; else Baseline, which it copies. */
  bframes?: boolean;
  seconds?: number;
  audio?: boolean;
  video?: boolean;
  size?: string;
  /** Frames between keyframes (30: one a second). */
  gop?: number;
}

export interface Push {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stderr: string }>;
  stop(): Promise<void>;
}

export function pushArgs(url: string, o: PushOptions = {}): string[] {
  const { bframes = false, seconds = 60, audio = true, video = true, size = '640x320', gop = 30 } = o;
  const args = ['-hide_banner', '-loglevel', 'error', '-re'];
  if (video) args.push('-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=30`);
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(seconds));
  if (video) {
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(gop), '-pix_fmt', 'yuv420p');
    args.push(...(bframes ? ['-profile:v', 'main', '-bf', '2'] : ['-profile:v', 'baseline']));
  }
  if (audio) args.push('-c:a', 'aac', '-b:a', '96k');
  return [...args, '-f', url.startsWith('srt:') ? 'mpegts' : 'flv', url];
}

export const startPush = (url: string, o: PushOptions = {}): Push => runFfmpeg(pushArgs(url, o));

/** ffmpeg with these arguments, its stderr kept; `stop` kills and reaps it. */
export function runFfmpeg(args: string[]): Push {
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stderr })),
  );
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Whether a process of this pid exists (a reaped child does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
