// A minimal protocol client over a real WebSocket, for tests: typed requests, collected events. Every frame
// the server sends is decoded with the protocol's own decoders (events against their schemas, results
// against their method's), so every integration test also checks what the server says.
import WebSocket from 'ws';
import {
  decodeResult,
  decodeServerMessage,
  type AnyEvent,
  type ErrorCode,
  type ProtocolErrorBody,
  type Method,
  type Params,
  type Result,
} from '../protocol/index.js';

/** The server sent something the protocol does not allow. */
export class ProtocolViolation extends Error {}

/** The server answered the upgrade with an HTTP error (bad origin, bad token) instead of a WebSocket. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

export class RequestFailed extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface Reply {
  ok: boolean;
  data?: unknown;
  error?: ProtocolErrorBody;
}

export class TestClient {
  readonly events: AnyEvent[] = [];
  /** Error responses that answered no request id (bad JSON, bad envelope). */
  readonly orphanErrors: { code: ErrorCode; message: string }[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private eventWaiters: { match: (e: AnyEvent) => boolean; resolve: (e: AnyEvent) => void }[] = [];

  /** Frames that broke the protocol; afterEach hooks (or the next request) surface them. */
  readonly violations: string[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const decoded = decodeServerMessage(data.toString());
      if (!decoded.ok) {
        this.violations.push(`${decoded.code}: ${decoded.message} in ${data.toString().slice(0, 200)}`);
        return;
      }
      const msg = decoded.value;
      if (msg.type === 'event') {
        const event = { event: msg.event, data: msg.data } as AnyEvent;
        this.events.push(event);
        this.eventWaiters = this.eventWaiters.filter((w) => !(w.match(event) && (w.resolve(event), true)));
      } else if (msg.id !== null && this.pending.has(msg.id)) {
        this.pending.get(msg.id)?.(msg.ok ? { ok: true, data: msg.data } : { ok: false, error: msg.error });
        this.pending.delete(msg.id);
      } else if (!msg.ok) {
        this.orphanErrors.push(msg.error);
      }
    });
  }

  static connect(
    url: string,
    headers: Record<string, string> = {},
    protocols: string[] = [],
  ): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, { headers });
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
      });
    });
  }

  /** Resolves with the close code once the server closes the connection. */
  closed(): Promise<number> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve(0);
      this.socket.once('close', (code) => resolve(code));
    });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a raw frame (for malformed-input tests). */
  sendRaw(frame: string): void {
    this.socket.send(frame);
  }

  /** Sends a request and resolves with the whole reply, success or error. */
  rawRequest(method: string, data: unknown): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ type: 'request', id, method, data }));
    });
  }

  async request<M extends Method>(method: M, data: Params<M>): Promise<Result<M>> {
    const reply = await this.rawRequest(method, data);
    if (!reply.ok) throw new RequestFailed(reply.error?.code ?? 'internal', reply.error?.message ?? '');
    const result = decodeResult(method, reply.data);
    if (!result.ok) throw new ProtocolViolation(`${method} answered outside its schema: ${result.message}`);
    return result.value;
  }

  /** Sends a notification: no answer unless refused (then an orphan error). */
  notify<M extends Method>(method: M, data: Params<M>): void {
    this.socket.send(JSON.stringify({ type: 'notify', method, data }));
  }

  /** Resolves with the code of the error this request must fail with. */
  async expectError(method: string, data: unknown): Promise<ErrorCode | undefined> {
    const reply = await this.rawRequest(method, data);
    return reply.ok ? undefined : reply.error?.code;
  }

  nextOrphanError(): Promise<{ code: ErrorCode; message: string }> {
    const seen = this.orphanErrors.length;
    return new Promise((resolve) => {
      const check = (): void => {
        const e = this.orphanErrors[seen];
        if (e) resolve(e);
        else setTimeout(check, 5);
      };
      check();
    });
  }

  waitForEvent<E extends AnyEvent['event']>(name: E): Promise<Extract<AnyEvent, { event: E }>> {
    return new Promise((resolve) => {
      this.eventWaiters.push({
        match: (e) => e.event === name,
        resolve: (e) => resolve(e as Extract<AnyEvent, { event: E }>),
      });
    });
  }

  /** Closes the connection; fails if the server ever sent something outside the protocol. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
    if (this.violations.length) throw new ProtocolViolation(this.violations.join('\n'));
  }
}
