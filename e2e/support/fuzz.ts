// Hostile signaling traffic for the fuzz test: malformed, mistyped, oversized, out of order. Seeded, so a
// failure can be replayed.
import WebSocket from 'ws';

export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const methods = [
  'join',
  'createTransport',
  'connectTransport',
  'produce',
  'closeProducer',
  'consume',
  'resumeConsumer',
  'leave',
  'setStream',
];

export type Frame = { kind: string; data: string | Buffer };

/** One hostile (or, now and then, valid) frame. `id` keeps request ids unique per socket. */
export function fuzzFrame(rand: () => number, id: number, room: string): Frame {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const junk = (): unknown =>
    pick<() => unknown>([
      () => null,
      () => rand() * 1e6,
      () => -1,
      () => 'x'.repeat(Math.floor(rand() * 300)),
      () => ({ __proto__: { polluted: true } }),
      () => [1, [2, [3, [4]]]],
      () => ({ room: 12, role: [] }),
      () => true,
      () => '\u0000\uffff\ud800',
    ])();
  const request = (method: string, data: unknown) => JSON.stringify({ type: 'request', id, method, data });
  const kinds: (() => Frame)[] = [
    () => ({ kind: 'not json', data: '{"type":"request", id:' + String(rand()) }),
    () => ({
      kind: 'random bytes',
      data: Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))),
    }),
    () => ({
      kind: 'wrong envelope',
      data: JSON.stringify(pick([[], 42, 'req', { type: 'response', id }, { id, method: 'join' }])),
    }),
    () => ({
      kind: 'unknown method',
      data: request(pick(['teleport', '__proto__', 'constructor', 'toString', '']), {}),
    }),
    () => ({ kind: 'wrong types', data: request(pick(methods), junk()) }),
    () => ({
      kind: 'bad room',
      data: request('join', { room: pick(['', 'UPPER', 'a'.repeat(100), '../etc', 'ü']), role: 'viewer' }),
    }),
    () => ({
      kind: 'out of order',
      data: request(pick(methods.slice(1)), {
        transportId: 't'.repeat(36),
        producerId: 'p',
        consumerId: 'c',
        direction: 'recv',
        kind: 'video',
        dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
        rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }] },
        rtpCapabilities: {},
      }),
    }),
    () => ({ kind: 'valid join', data: request('join', { room, role: 'viewer', displayName: 'fuzz' }) }),
    () => ({
      kind: 'huge string',
      data: request('join', { room, role: 'viewer', displayName: 'y'.repeat(70_000) }),
    }),
    () => ({
      kind: 'deep nesting',
      data: request('join', JSON.parse('['.repeat(500) + ']'.repeat(500)) as unknown),
    }),
  ];
  return pick(kinds)();
}

export interface Outcome {
  kind: string;
  /** 'ok', an error code, or 'closed:<code>'. */
  result: string;
}

/** A socket that sends one frame at a time and waits for what the server does about it. */
export class FuzzSocket {
  private waiting: ((r: string) => void) | undefined;
  closedWith: number | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw: Buffer) => {
      const msg = JSON.parse(raw.toString()) as { type: string; ok?: boolean; error?: { code: string } };
      if (msg.type !== 'response') return; // events (a joined fuzz viewer hears about the camera)
      this.answer(msg.ok ? 'ok' : (msg.error?.code ?? 'no code'));
    });
    socket.on('close', (code) => {
      this.closedWith = code;
      this.answer(`closed:${code}`);
    });
  }

  /** Hands the answer to whoever waits; cleared first, since the waiter may start waiting again. */
  private answer(result: string): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(result);
  }

  static open(url: string): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new FuzzSocket(ws)));
      ws.once('error', reject);
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends and resolves with the server's answer: a response code, or the close that followed an error. */
  send(frame: Frame, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('no answer'), timeoutMs);
      this.waiting = (r) => {
        clearTimeout(timer);
        // An error that announces a close: wait for the close itself.
        if (r === 'too_large' || r === 'rate_limited') {
          this.waiting = (closed) => resolve(`${r}+${closed}`);
          return;
        }
        resolve(r);
      };
      this.socket.send(frame.data, { binary: Buffer.isBuffer(frame.data) });
    });
  }

  /** Sends `n` frames without waiting: a flood. Resolves with the close code. */
  flood(frame: string, n: number): Promise<number> {
    return new Promise((resolve) => {
      this.socket.once('close', (code) => resolve(code));
      for (let i = 0; i < n && this.open; i++) this.socket.send(frame);
    });
  }

  close(): void {
    this.socket.close();
  }
}
