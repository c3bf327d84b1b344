// The viewers' end of the media benchmarks. A few probe viewers send to an RtpSink, which decrypts nothing
// (SRTP leaves the RTP header in the clear), finds loss from each stream's sequence numbers, and reads the
// sender's packet index from the toffset extension to time the SFU. All other viewers send to a DiscardSink:
// a socket nobody reads, so the kernel drops what it cannot queue and the bench spends no CPU on them (a
// sink that read every packet would compete with the worker for the machine).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

interface StreamState {
  /** Extended sequence number of the first packet in this window, and the highest seen. */
  first: number;
  highest: number;
  received: number;
}

export interface SinkWindow {
  packets: number;
  bytes: number;
  /** Packets missing by sequence number, summed over streams. */
  lost: number;
  expected: number;
  streams: number;
  /** SFU latency per packet, ms (sender's send → sink's receive), sorted. */
  latencies: Float64Array;
  /** When each packet first arrived (performance.now()), by the sender's index mod 65536; NaN if it did not. */
  firstArrival: Float64Array;
}

export class RtpSink {
  readonly socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 64 * 1024 * 1024 });
  private streams = new Map<number, StreamState>();
  private packets = 0;
  private bytes = 0;
  private latencies: number[] = [];
  private firstArrival = new Float64Array(65536).fill(NaN);

  constructor(
    private readonly sentAt: Float64Array,
    private readonly toffsetId: number,
  ) {
    this.socket.on('message', (msg) => this.onPacket(msg));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  stop(): void {
    this.socket.close();
  }

  /** Starts a new measuring window; streams keep their place so a gap at the boundary still counts. */
  reset(): void {
    for (const s of this.streams.values()) {
      s.first = s.highest + 1;
      s.received = 0;
    }
    this.packets = 0;
    this.bytes = 0;
    this.latencies = [];
    this.firstArrival = new Float64Array(65536).fill(NaN);
  }

  read(): SinkWindow {
    let lost = 0;
    let expected = 0;
    for (const s of this.streams.values()) {
      const e = Math.max(0, s.highest - s.first + 1);
      expected += e;
      lost += Math.max(0, e - s.received);
    }
    const latencies = Float64Array.from(this.latencies).sort();
    return {
      packets: this.packets,
      bytes: this.bytes,
      lost,
      expected,
      streams: this.streams.size,
      latencies,
      firstArrival: this.firstArrival,
    };
  }

  /** Packets the kernel dropped on this socket because the sink did not read fast enough. */
  kernelDrops(): number {
    return udpSocketDrops(this.socket.address().port);
  }

  private onPacket(msg: Buffer): void {
    const now = performance.now();
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    const pt = msg[1]! & 0x7f;
    if (pt >= 72 && pt <= 79) return; // RTCP (SR/SDES) from the consumer, multiplexed
    this.packets++;
    this.bytes += msg.length;
    const ssrc = msg.readUInt32BE(8);
    const seq = msg.readUInt16BE(2);
    let s = this.streams.get(ssrc);
    if (!s) {
      s = { first: seq, highest: seq, received: 0 };
      this.streams.set(ssrc, s);
    }
    // Extend the 16-bit number around the highest seen (reordering within ±32768).
    const ext = s.highest + (((seq - (s.highest & 0xffff) + 32768) & 0xffff) - 32768);
    if (ext >= s.first) s.received++;
    if (ext > s.highest) s.highest = ext;
    const index = this.toffsetIndex(msg);
    if (index === undefined) return;
    this.latencies.push(now - this.sentAt[index & 0xffff]!);
    if (Number.isNaN(this.firstArrival[index & 0xffff])) this.firstArrival[index & 0xffff] = now;
  }

  private toffsetIndex(msg: Buffer): number | undefined {
    if (!(msg[0]! & 0x10)) return undefined;
    const csrcs = msg[0]! & 0x0f;
    let off = 12 + csrcs * 4;
    if (msg.readUInt16BE(off) !== 0xbede) return undefined;
    const end = off + 4 + msg.readUInt16BE(off + 2) * 4;
    off += 4;
    while (off < end) {
      const b = msg[off]!;
      if (b === 0) {
        off++;
        continue;
      }
      const id = b >> 4;
      const len = (b & 0x0f) + 1;
      if (id === this.toffsetId && len === 3) return msg.readUIntBE(off + 1, 3);
      off += 1 + len;
    }
    return undefined;
  }
}

/**
 * What one more hop costs each packet: its first arrival at `after` (a viewer behind the hop) minus its first
 * arrival at `before` (a viewer of the node before it), for the packets both saw; sorted, ms.
 */
export function hopLatencies(before: SinkWindow, after: SinkWindow): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < 65536; i++) {
    const d = after.firstArrival[i]! - before.firstArrival[i]!;
    if (!Number.isNaN(d)) out.push(d);
  }
  return Float64Array.from(out).sort();
}

/** The kernel's drop counter for the IPv4 UDP socket bound to `port` (/proc/net/udp), 0 if none. */
export function udpSocketDrops(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1]?.endsWith(`:${hexPort}`)) drops += Number(cols[12] ?? 0);
  }
  return drops;
}

/** A bound UDP socket in a stopped child process: it takes packets and never reads them. */
export class DiscardSink {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async open(): Promise<DiscardSink> {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const s = require('node:dgram').createSocket({ type: 'udp4', recvBufferSize: 65536 });
         s.bind(0, '127.0.0.1', () => { process.stdout.write(s.address().port + '\\n'); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once('exit', (code) => reject(new Error(`discard sink exited (${code})`)));
    });
    child.kill('SIGSTOP'); // its socket stays open, unread
    return new DiscardSink(child, port);
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}
