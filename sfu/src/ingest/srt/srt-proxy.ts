// The SRT port every camera calls (mode listener), routing each caller by its Stream ID: it answers the
// caller's induction itself, reads the Stream ID from its conclusion, and asks `onConnect` where that stream
// goes. Accepted: it replays the induction to that loopback listener (one srt-live-transmit per ingest),
// swaps in that listener's cookie, and from then on forwards every packet both ways unchanged. Refused: the
// caller gets an SRT rejection with a reason code (1401 wrong key, 1409 the room has a camera…), which SRT
// clients report. One UDP port for every room, as the URL srt://HOST:PORT?streamid=<room>:<key> promises.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import {
  HandshakeType,
  Reject,
  inductionResponse,
  readHandshake,
  rejection,
  withCookie,
} from './handshake.js';

export class SrtRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SrtCaller {
  streamId: string;
  remote: string;
  /** Stops forwarding this caller's packets. */
  close(): void;
}

export interface SrtProxyOptions {
  host: string;
  port: number;
  log: FastifyBaseLogger;
  /** Where an accepted caller's stream goes (a loopback UDP port), or an SrtRefusal. */
  onConnect: (caller: SrtCaller) => Promise<number>;
  maxCallers?: number;
}

type State = 'handshake' | 'deciding' | 'connecting' | 'forwarding' | 'rejected' | 'closed';

interface Session {
  key: string;
  address: string;
  port: number;
  state: State;
  cookie: number;
  induction: Buffer;
  conclusion?: Buffer;
  refusal?: Buffer;
  backend?: { socket: dgram.Socket; port: number; cookie?: number };
  lastSeen: number;
  createdAt: number;
}

const IDLE_MS = 10_000;
const HANDSHAKE_MS = 5_000;

export class SrtProxy {
  private readonly socket: dgram.Socket;
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly listenerSocketId = randomInt(1, 2 ** 30);

  private constructor(private readonly opts: SrtProxyOptions) {
    this.socket = dgram.createSocket(net.isIPv6(opts.host) ? 'udp6' : 'udp4');
    this.socket.on('message', (packet, from) => this.fromCaller(packet, from));
    this.socket.on('error', (error) => opts.log.warn({ err: error }, 'SRT socket error'));
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  static async listen(opts: SrtProxyOptions): Promise<SrtProxy> {
    const proxy = new SrtProxy(opts);
    await new Promise<void>((resolve, reject) => {
      proxy.socket.once('error', reject);
      proxy.socket.bind(opts.port, opts.host, () => {
        proxy.socket.off('error', reject);
        resolve();
      });
    });
    opts.log.info({ host: opts.host, port: proxy.port }, 'SRT ingest listening');
    return proxy;
  }

  get port(): number {
    return this.socket.address().port;
  }

  private fromCaller(packet: Buffer, from: dgram.RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let s = this.sessions.get(key);
    const hs = readHandshake(packet);
    if (!s) {
      if (hs?.type !== HandshakeType.induction) return; // not a call: ignored
      if (this.sessions.size >= (this.opts.maxCallers ?? 64)) return;
      s = {
        key,
        address: from.address,
        port: from.port,
        state: 'handshake',
        cookie: randomInt(1, 2 ** 32 - 1),
        induction: Buffer.from(packet),
        lastSeen: Date.now(),
        createdAt: Date.now(),
      };
      this.sessions.set(key, s);
    }
    s.lastSeen = Date.now();
    switch (s.state) {
      case 'handshake':
        if (hs?.type === HandshakeType.induction) {
          s.induction = Buffer.from(packet);
          this.toCaller(s, inductionResponse(packet, s.cookie, this.listenerSocketId));
        } else if (hs?.type === HandshakeType.conclusion && hs.cookie === s.cookie) {
          s.conclusion = Buffer.from(packet);
          this.decide(s, hs.streamId ?? '');
        }
        return;
      case 'deciding':
      case 'connecting':
        if (hs?.type === HandshakeType.conclusion) s.conclusion = Buffer.from(packet);
        return;
      case 'forwarding': {
        const b = s.backend!;
        const out = hs?.type === HandshakeType.conclusion ? withCookie(packet, b.cookie!) : packet;
        b.socket.send(out, b.port, '127.0.0.1');
        return;
      }
      case 'rejected':
        if (hs?.type === HandshakeType.conclusion && s.refusal) this.toCaller(s, s.refusal);
        return;
      case 'closed':
        return;
    }
  }

  private decide(s: Session, streamId: string): void {
    s.state = 'deciding';
    const remote = s.key;
    this.opts
      .onConnect({ streamId, remote, close: () => this.end(s) })
      .then((port) => this.connectBackend(s, port))
      .catch((error: unknown) => {
        const code = error instanceof SrtRefusal ? error.code : Reject.unavailable;
        this.refuse(s, code);
      });
  }

  private refuse(s: Session, code: number): void {
    if (s.state === 'closed') return;
    s.state = 'rejected';
    s.refusal = rejection(s.conclusion!, code);
    this.toCaller(s, s.refusal);
  }

  /** Replays the caller's induction to the ingest's listener until it answers (it may still be starting). */
  private connectBackend(s: Session, port: number): void {
    if (s.state !== 'deciding') return;
    s.state = 'connecting';
    const socket = dgram.createSocket('udp4');
    const backend: NonNullable<Session['backend']> = { socket, port };
    s.backend = backend;
    let tries = 0;
    const retry = setInterval(() => {
      if (s.state !== 'connecting' || ++tries > 50) {
        clearInterval(retry);
        if (s.state === 'connecting') {
          this.opts.log.warn({ srt: s.key }, 'SRT: the ingest listener did not answer');
          this.refuse(s, Reject.unavailable);
        }
        return;
      }
      socket.send(s.induction, port, '127.0.0.1');
    }, 100);
    socket.on('error', () => {});
    socket.on('message', (packet) => {
      s.lastSeen = Date.now();
      if (s.state === 'connecting') {
        const hs = readHandshake(packet);
        if (hs?.type !== HandshakeType.induction) return;
        backend.cookie = hs.cookie;
        s.state = 'forwarding';
        clearInterval(retry);
        socket.send(withCookie(s.conclusion!, hs.cookie), port, '127.0.0.1');
      } else if (s.state === 'forwarding') {
        this.toCaller(s, packet);
      }
    });
    socket.bind(0, '127.0.0.1', () => socket.send(s.induction, port, '127.0.0.1'));
  }

  private toCaller(s: Session, packet: Buffer): void {
    this.socket.send(packet, s.port, s.address);
  }

  private end(s: Session): void {
    if (s.state === 'closed') return;
    s.state = 'closed';
    s.backend?.socket.close();
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of this.sessions.values()) {
      const stuck = s.state !== 'forwarding' && now - s.createdAt > HANDSHAKE_MS;
      if (stuck || now - s.lastSeen > IDLE_MS) this.end(s);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const s of [...this.sessions.values()]) this.end(s);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
