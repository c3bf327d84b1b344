// An SRT camera's MPEG-TS as its bridge's input. TS needs no header and resynchronises on its own, so a new
// ffmpeg (the first, or one restarted) simply gets the bytes from the next 188-byte packet boundary on.
// What the source is comes from Debian's ffprobe reading the first second or so: codec, profile, size, frame
// rate, and reordering (B-frames: a decoder delay, or packets whose PTS differs from their DTS).
import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { SourceAnalysis, StreamFeed } from '../stream-feed.js';

const TS_PACKET = 188;
const PROBE_AFTER_MS = 1200;
const MAX_PROBE_BYTES = 8 * 1024 * 1024;

/** ffprobe's H264 profile names → profile_idc as SDP writes it. */
const H264_PROFILE: Record<string, string> = {
  'Constrained Baseline': '42e0',
  Baseline: '4200',
  Main: '4d00',
  Extended: '5800',
  High: '6400',
  'High 10': '6e00',
  'High 4:2:2': '7a00',
  'High 4:4:4 Predictive': 'f400',
};

const Probe = z.object({
  streams: z
    .array(
      z.object({
        index: z.number(),
        codec_type: z.string(),
        codec_name: z.string().optional(),
        profile: z.string().optional(),
        level: z.number().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        avg_frame_rate: z.string().optional(),
        has_b_frames: z.number().optional(),
      }),
    )
    .default([]),
  packets: z
    .array(z.object({ stream_index: z.number(), pts: z.number().optional(), dts: z.number().optional() }))
    .default([]),
});

function rate(r: string | undefined): number | undefined {
  const [n, d] = (r ?? '').split('/').map(Number);
  return n && d ? Math.round((n / d) * 100) / 100 : undefined;
}

/** What ffprobe's JSON says about the source. */
export function readProbe(json: unknown): SourceAnalysis {
  const probe = Probe.parse(json);
  const v = probe.streams.find((s) => s.codec_type === 'video');
  const a = probe.streams.find((s) => s.codec_type === 'audio');
  const out: SourceAnalysis = {};
  if (v) {
    const reordered = probe.packets.some((p) => p.stream_index === v.index && p.pts !== p.dts);
    const idc = v.profile ? H264_PROFILE[v.profile] : undefined;
    out.video = {
      codec: v.codec_name ?? 'unknown',
      ...(v.codec_name === 'h264' &&
        idc &&
        v.level && { profileLevelId: idc + v.level.toString(16).padStart(2, '0') }),
      bframes: (v.has_b_frames ?? 0) > 0 || reordered,
      ...(v.width && { width: v.width }),
      ...(v.height && { height: v.height }),
      ...(rate(v.avg_frame_rate) && { fps: rate(v.avg_frame_rate) }),
    };
  }
  if (a) out.audio = { codec: a.codec_name ?? 'unknown' };
  return out;
}

function probe(ffprobe: string, bytes: Buffer): Promise<SourceAnalysis> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-of', 'json'];
    args.push(
      '-show_entries',
      'stream=index,codec_type,codec_name,profile,level,width,height,avg_frame_rate,has_b_frames',
    );
    args.push('-show_entries', 'packet=stream_index,pts,dts');
    const child = spawn(ffprobe, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.on('error', () => {});
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(readProbe(JSON.parse(out)));
      } catch {
        reject(new Error(`ffprobe could not read the stream (${code}): ${err.trim().slice(0, 200)}`));
      }
    });
    child.stdin.end(bytes);
  });
}

export class TsFeed implements StreamFeed {
  readonly format = 'mpegts';
  readonly analysis: Promise<SourceAnalysis>;
  private settle!: (a: SourceAnalysis) => void;
  private fail!: (e: Error) => void;
  private head: Buffer[] = [];
  private headBytes = 0;
  private firstAt: number | undefined;
  private probing = false;
  private decided = false;
  /** Bytes received so far, for packet alignment. */
  private offset = 0;
  private sink: ((chunk: Buffer) => void) | undefined;
  private aligned = false;

  constructor(private readonly ffprobe: string) {
    this.analysis = new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
  }

  push(chunk: Buffer): void {
    const start = this.offset;
    this.offset += chunk.length;
    if (!this.decided) this.collect(chunk);
    if (!this.sink) return;
    if (!this.aligned) {
      const skip = (TS_PACKET - (start % TS_PACKET)) % TS_PACKET;
      if (skip >= chunk.length) return;
      chunk = chunk.subarray(skip);
      this.aligned = true;
    }
    this.sink(chunk);
  }

  private collect(chunk: Buffer): void {
    this.firstAt ??= Date.now();
    if (this.headBytes < MAX_PROBE_BYTES) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
    }
    if (this.probing || Date.now() - this.firstAt < PROBE_AFTER_MS) return;
    this.probing = true;
    probe(this.ffprobe, Buffer.concat(this.head)).then(
      (analysis) => {
        if (!analysis.video && !analysis.audio && this.headBytes < MAX_PROBE_BYTES) {
          this.probing = false; // nothing recognisable yet: look again with more
          return;
        }
        this.decided = true;
        this.head = [];
        this.settle(analysis);
      },
      (error: Error) => {
        this.decided = true;
        this.head = [];
        this.fail(error);
      },
    );
  }

  attach(write: (chunk: Buffer) => void): void {
    this.sink = write;
    this.aligned = false;
  }

  detach(): void {
    this.sink = undefined;
  }
}
