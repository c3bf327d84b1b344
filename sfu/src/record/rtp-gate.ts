// Between a recorder's plain transport and its ffmpeg. ffmpeg needs half a second or more to start on a busy
// machine (it loads some two hundred libraries before it listens); a recording whose media flowed only then
// would miss the first second after the operator's click, and a new segment would leave a hole. The gate
// listens at once: a track's RTP and RTCP are held from the moment it is consumed, and once ffmpeg listens they
// are handed over in order — no faster than ffmpeg takes them (its receive queue is watched: a second of video
// sent at once would overflow it) — then each packet is passed on as it comes.
import dgram from 'node:dgram';
import type { FastifyBaseLogger } from 'fastify';
import { udpReceiveQueue } from './udp-table.js';

/** What may wait for ffmpeg: some 15 s of a 15 Mbit/s camera. Past it new packets are dropped (and counted). */
const HOLD_LIMIT_BYTES = 32 * 2 ** 20;
/** Handing over what was held: a burst at a time, while less than this waits in ffmpeg's receive queue. */
const QUEUE_LOW_BYTES = 64 * 1024;
const BURST_BYTES = 32 * 1024;
const WAIT_MS = 2;

type Channel = 'rtp' | 'rtcp';
interface Packet {
  channel: Channel;
  data: Buffer;
}

export interface GateHandover {
  /** Packets and bytes held until ffmpeg listened, and for how long the first of them waited. */
  packets: number;
  bytes: number;
  waitedMs: number;
  /** Dropped because more than HOLD_LIMIT_BYTES waited. */
  dropped: number;
}

/** A socket that sends to ffmpeg's port only: connected, it skips the address lookup on every send. */
function connectLoopback(port: number, log: FastifyBaseLogger): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      // ffmpeg gone (the segment is ending): the kernel says "refused" — nothing to do but stop sending.
      socket.on('error', (error) => log.debug({ err: error, port }, 'recorder gate: ffmpeg not there'));
      resolve(socket);
    });
  });
}

function bindLoopback(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

export class RtpGate {
  private held: Packet[] = [];
  private heldBytes = 0;
  private firstHeldAt: number | undefined;
  /** To ffmpeg, once it listens. */
  private out: Record<Channel, dgram.Socket> | undefined;
  private handingOver = false;
  private closed = false;
  private dropped = 0;

  private constructor(
    private readonly sockets: Record<Channel, dgram.Socket>,
    private readonly log: FastifyBaseLogger,
  ) {
    for (const channel of ['rtp', 'rtcp'] as const) {
      const socket = sockets[channel];
      // Once ffmpeg listens, each packet goes straight on (no object made per packet).
      socket.on('message', (data) =>
        this.out && !this.handingOver ? this.out[channel].send(data) : this.take({ channel, data }),
      );
      socket.on('error', (error) => log.warn({ err: error, channel }, 'recorder gate socket error'));
    }
  }

  static async open(log: FastifyBaseLogger): Promise<RtpGate> {
    const rtp = await bindLoopback();
    const rtcp = await bindLoopback().catch((error: unknown) => {
      rtp.close();
      throw error;
    });
    return new RtpGate({ rtp, rtcp }, log);
  }

  /** What is held now, waiting for ffmpeg. */
  get waiting(): { packets: number; bytes: number } {
    return { packets: this.held.length, bytes: this.heldBytes };
  }

  /** Where the plain transport sends (loopback). */
  get port(): number {
    return this.sockets.rtp.address().port;
  }
  get rtcpPort(): number {
    return this.sockets.rtcp.address().port;
  }

  /**
   * ffmpeg listens on these ports now: what was held is handed over (resolves when it all has been), and
   * everything after it is passed on as it comes.
   */
  async openTo(rtpPort: number, rtcpPort: number): Promise<GateHandover> {
    const handover: GateHandover = {
      packets: this.held.length,
      bytes: this.heldBytes,
      waitedMs: this.firstHeldAt === undefined ? 0 : Date.now() - this.firstHeldAt,
      dropped: this.dropped,
    };
    this.handingOver = true;
    const rtp = await connectLoopback(rtpPort, this.log);
    const rtcp = await connectLoopback(rtcpPort, this.log).catch((error: unknown) => {
      rtp.close();
      throw error;
    });
    if (this.closed) {
      rtp.close();
      rtcp.close();
      return handover;
    }
    this.out = { rtp, rtcp };
    try {
      let next = 0;
      while (next < this.held.length && !this.closed) {
        if ((await udpReceiveQueue(rtpPort)) > QUEUE_LOW_BYTES) {
          await new Promise((r) => setTimeout(r, WAIT_MS));
          continue;
        }
        // Packets that came meanwhile were appended: the order stays the order they came in.
        for (let burst = 0; burst < BURST_BYTES && next < this.held.length; next++) {
          const packet = this.held[next]!;
          burst += packet.data.length;
          this.send(packet);
        }
      }
    } finally {
      this.held = [];
      this.heldBytes = 0;
      this.handingOver = false;
    }
    return handover;
  }

  /** A packet of our own for ffmpeg's RTCP port (the BYE that ends its file), after all that came before. */
  sendRtcp(data: Buffer): void {
    this.take({ channel: 'rtcp', data }, true);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = [];
    for (const socket of [...Object.values(this.sockets), ...Object.values(this.out ?? {})]) socket.close();
  }

  private take(packet: Packet, ours = false): void {
    if (this.closed) return;
    if (this.out && !this.handingOver) return this.send(packet);
    if (!ours && this.heldBytes + packet.data.length > HOLD_LIMIT_BYTES) {
      if (this.dropped++ === 0)
        this.log.warn('the recorder is slow to start: packets dropped while it starts');
      return;
    }
    this.firstHeldAt ??= Date.now();
    this.held.push(packet);
    this.heldBytes += packet.data.length;
  }

  private send({ channel, data }: Packet): void {
    this.out![channel].send(data);
  }
}
