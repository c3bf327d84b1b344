// A synthetic camera for the media benchmarks: H264 made once by Debian's ffmpeg, cut into RTP packets the
// way a browser sends them (FU-A, ≤ 1200-byte payloads, marker on a frame's last packet), paced like a
// browser's pacer, and answering keyframe requests (PLI/FIR) with the next frame being the clip's IDR.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface SourceSpec {
  width: number;
  height: number;
  fps: number;
  bitrateBps: number;
  seconds: number;
}

export const defaultSource: SourceSpec = {
  width: 1920,
  height: 960,
  fps: 30,
  bitrateBps: 4_000_000,
  seconds: 10,
};

/** Encodes the clip once per spec into `cacheDir`; later runs reuse it. Noise keeps x264 at its bitrate. */
export function ensureClip(cacheDir: string, spec: SourceSpec): string {
  const file = join(
    cacheDir,
    `testsrc-${spec.width}x${spec.height}-${spec.fps}fps-${spec.bitrateBps / 1000}k-${spec.seconds}s.h264`,
  );
  if (existsSync(file)) return file;
  mkdirSync(dirname(file), { recursive: true });
  const kbps = `${spec.bitrateBps / 1000}k`;
  // One IDR at the start and none after: like a browser, further keyframes come only when asked for.
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
    ...['-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps},noise=alls=12:allf=t`],
    ...['-t', String(spec.seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency'],
    ...['-profile:v', 'baseline', '-b:v', kbps, '-maxrate', kbps, '-bufsize', kbps],
    ...['-g', String(spec.fps * spec.seconds), '-sc_threshold', '0', '-x264-params', 'aud=1'],
    ...['-f', 'h264', `${file}.tmp`],
  ]);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Access units of an Annex B stream, each a list of NAL units (AUDs dropped; they start a frame). */
export function readFrames(file: string): Buffer[][] {
  const data = readFileSync(file);
  const nals: Buffer[] = [];
  let start = -1;
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) nals.push(trimZeros(data.subarray(start, i)));
      start = i + 3;
      i += 2;
    }
  }
  if (start >= 0) nals.push(data.subarray(start));
  const frames: Buffer[][] = [];
  for (const nal of nals) {
    const type = nal[0]! & 0x1f;
    if (type === 9) frames.push([]);
    else if (frames.length > 0) frames[frames.length - 1]!.push(nal);
  }
  return frames.filter((f) => f.length > 0);
}

function trimZeros(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--; // the leading zero of a 4-byte start code
  return b.subarray(0, end);
}

const maxPayload = 1200;

/** RTP payloads of one frame (RFC 6184 single NAL units and FU-A fragments). */
export function packetizeFrame(nals: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const nal of nals) {
    if (nal.length <= maxPayload) {
      out.push(nal);
      continue;
    }
    const indicator = (nal[0]! & 0xe0) | 28;
    const type = nal[0]! & 0x1f;
    for (let off = 1; off < nal.length; off += maxPayload - 2) {
      const chunk = nal.subarray(off, Math.min(nal.length, off + maxPayload - 2));
      const first = off === 1;
      const last = off + chunk.length >= nal.length;
      out.push(
        Buffer.concat([Buffer.from([indicator, (first ? 0x80 : 0) | (last ? 0x40 : 0) | type]), chunk]),
      );
    }
  }
  return out;
}

export interface SenderOptions {
  frames: Buffer[][];
  fps: number;
  payloadType: number;
  ssrc: number;
  /** Header-extension id of urn:ietf:params:rtp-hdrext:toffset, which mediasoup forwards untouched. */
  toffsetId: number;
  /** Pacing rate: browsers pace at 2.5× their target bitrate. */
  pacingBps: number;
  target: { ip: string; port: number };
  /**
   * Shared with the other senders of a simulcast camera (one socket: the ingest transport takes media from
   * one address, and one numbering of packets across the layers, so a sink's `sentAt` fits them all).
   */
  shared?: SharedSend;
}

/** What simulcast senders share: the socket and the log of send times, indexed by a common packet count. */
export class SharedSend {
  readonly socket = dgram.createSocket('udp4');
  /** performance.now() of each packet's send, by index mod 65536. */
  readonly sentAt = new Float64Array(65536);
  packets = 0;
  private connected: Promise<void> | undefined;

  /** Binds and connects the socket once, whichever sender starts first. */
  connect(target: { ip: string; port: number }): Promise<void> {
    this.connected ??= (async () => {
      await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
      this.socket.connect(target.port, target.ip);
      await new Promise<void>((resolve) => this.socket.once('connect', resolve));
    })();
    return this.connected;
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      /* closed by another sender */
    }
  }
}

/**
 * Sends the clip in a loop, paced. Every packet carries its index in the toffset header extension, so a sink
 * can tell when that packet was sent (`sentAt`) and measure the time spent in the SFU.
 */
export class PacedH264Sender {
  private readonly shared: SharedSend;
  packetsSent = 0;
  bytesSent = 0;
  keyframesSent = 0;
  keyframeRequests = 0;
  private readonly packets: Buffer[][];
  private queue: Buffer[] = [];
  private frameIndex = 0;
  private seq = Math.floor(Math.random() * 65536);
  private rtpTime = Math.floor(Math.random() * 2 ** 31);
  private wantKeyframe = false;
  private frameTimer: NodeJS.Timeout | undefined;
  private pacer: NodeJS.Timeout | undefined;
  private reports: NodeJS.Timeout | undefined;
  /** The RTP time of the first frame, and when it was due (performance.now()). */
  private rtpStart = 0;
  private startedAt = 0;
  private budget = 0;
  private lastPace = 0;

  constructor(private readonly opts: SenderOptions) {
    this.packets = opts.frames.map(packetizeFrame);
    this.shared = opts.shared ?? new SharedSend();
    this.shared.socket.on('message', (msg) => this.onRtcp(msg));
  }

  async start(): Promise<void> {
    await this.shared.connect(this.opts.target);
    this.frameIndex = 0;
    const frameMs = 1000 / this.opts.fps;
    const started = performance.now();
    this.rtpStart = this.rtpTime;
    this.startedAt = started;
    let due = 0;
    const tick = () => {
      // Frames are produced on the clock, whatever the timer's jitter: catch up, never drift.
      while (started + due * frameMs <= performance.now()) {
        this.enqueueFrame();
        due++;
      }
      this.frameTimer = setTimeout(tick, Math.max(0, started + due * frameMs - performance.now()));
    };
    tick();
    this.lastPace = performance.now();
    this.pacer = setInterval(() => this.pace(), 1);
    // Sender reports, as a browser sends them: an SFU lines up simulcast layers' timestamps with them (it
    // switches a viewer between layers only once it has each layer's report).
    this.senderReport();
    this.reports = setInterval(() => this.senderReport(), 1000);
  }

  /** An RTCP sender report (RFC 3550 6.4.1): this stream's RTP time now, against wall-clock NTP time. */
  private senderReport(): void {
    const now = performance.now();
    const wallMs = performance.timeOrigin + now;
    const ntpSeconds = Math.floor(wallMs / 1000) + 2_208_988_800;
    const ntpFraction = Math.floor(((wallMs % 1000) / 1000) * 2 ** 32);
    const sr = Buffer.alloc(28);
    sr[0] = 0x80; // V=2, no report blocks
    sr[1] = 200;
    sr.writeUInt16BE(6, 2); // length in 32-bit words minus one
    sr.writeUInt32BE(this.opts.ssrc, 4);
    sr.writeUInt32BE(ntpSeconds >>> 0, 8);
    sr.writeUInt32BE(ntpFraction >>> 0, 12);
    sr.writeUInt32BE((this.rtpStart + Math.round((now - this.startedAt) * 90)) >>> 0, 16);
    sr.writeUInt32BE(this.packetsSent >>> 0, 20);
    sr.writeUInt32BE(this.bytesSent >>> 0, 24);
    this.shared.socket.send(sr);
  }

  stop(): void {
    clearTimeout(this.frameTimer);
    clearInterval(this.pacer);
    clearInterval(this.reports);
    this.shared.close();
  }

  private enqueueFrame(): void {
    if (this.wantKeyframe) {
      this.wantKeyframe = false;
      this.frameIndex = 0;
    }
    if (this.frameIndex === 0) this.keyframesSent++;
    const payloads = this.packets[this.frameIndex]!;
    this.frameIndex = (this.frameIndex + 1) % this.packets.length;
    payloads.forEach((payload, i) => this.queue.push(this.rtp(payload, i === payloads.length - 1)));
    this.rtpTime = (this.rtpTime + 90000 / this.opts.fps) >>> 0;
  }

  private rtp(payload: Buffer, marker: boolean): Buffer {
    const header = Buffer.alloc(20);
    header[0] = 0x90; // V=2, X=1
    header[1] = (marker ? 0x80 : 0) | this.opts.payloadType;
    header.writeUInt16BE(this.seq, 2);
    this.seq = (this.seq + 1) & 0xffff;
    header.writeUInt32BE(this.rtpTime, 4);
    header.writeUInt32BE(this.opts.ssrc, 8);
    header.writeUInt16BE(0xbede, 12); // one-byte header extensions
    header.writeUInt16BE(1, 14); // one 32-bit word
    header[16] = (this.opts.toffsetId << 4) | 2; // 3 bytes of data; the index is written when sent
    return Buffer.concat([header, payload]);
  }

  private pace(): void {
    const now = performance.now();
    // No credit saved up while idle: a frame goes out at the pacing rate, not as one burst.
    const credit = this.queue.length === 0 ? 0 : ((now - this.lastPace) * this.opts.pacingBps) / 8000;
    this.budget = Math.min(this.budget + credit, 2 * 1500);
    this.lastPace = now;
    while (this.queue.length > 0 && this.budget > 0) {
      const packet = this.queue.shift()!;
      const index = this.shared.packets++;
      packet.writeUIntBE(index & 0xffffff, 17, 3);
      this.shared.sentAt[index & 0xffff] = performance.now();
      this.shared.socket.send(packet);
      this.packetsSent++;
      this.bytesSent += packet.length;
      this.budget -= packet.length;
    }
  }

  /** RTCP from mediasoup: a PLI (206/1) or FIR (206/4) for this sender's SSRC asks for a keyframe. */
  private onRtcp(msg: Buffer): void {
    for (let off = 0; off + 4 <= msg.length;) {
      const fmt = msg[off]! & 0x1f;
      const pt = msg[off + 1]!;
      // The media source's SSRC: a PLI's at bytes 8–11; a FIR names it in its FCI (bytes 12–15).
      const at = off + (fmt === 4 ? 12 : 8);
      const media = at + 4 <= msg.length ? msg.readUInt32BE(at) : this.opts.ssrc;
      if (pt === 206 && (fmt === 1 || fmt === 4) && media === this.opts.ssrc) {
        this.keyframeRequests++;
        this.wantKeyframe = true;
      }
      off += (msg.readUInt16BE(off + 2) + 1) * 4;
    }
  }
}
