// Typed signaling client: request(method, params) → validated result, plus validated server events.
import {
  CloseCode,
  SIGNALING_SUBPROTOCOL,
  TokenInfo,
  TOKEN_SUBPROTOCOL_PREFIX,
  decodeResult,
  decodeServerMessage,
  type EventData,
  type EventName,
  type Method,
  type Params,
  type Result,
} from '@inclubit/sfu/protocol';
import { RequestError } from './errors';
import { callApi } from './http-api';

type Listener<E extends EventName> = (data: EventData<E>) => void;

/** The page's access token: join links carry it as `?t=`. */
export function pageToken(): string | undefined {
  return new URLSearchParams(location.search).get('t') ?? undefined;
}

/** The /ws address of the node at `base` (a page address, e.g. another node of the cluster), or of this page's. */
export function signalingUrl(base: string = location.origin): string {
  const url = new URL('/ws', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export class SignalingClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (d: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<EventName, Set<(data: never) => void>>();
  private readonly closeListeners = new Set<() => void>();
  private lost = false;
  private refused = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e: MessageEvent<string>) => this.onFrame(e.data));
    socket.addEventListener('close', () => this.lose());
  }

  /** The connection is over (closed, or given up on): fail what waits, tell the listeners, once. */
  private lose(): void {
    if (this.lost) return;
    this.lost = true;
    clearInterval(this.heartbeat);
    for (const p of this.pending.values())
      p.reject(new RequestError('disconnected', 'signaling connection lost'));
    this.pending.clear();
    for (const fn of this.closeListeners) fn();
  }

  /**
   * Pings the server every `intervalMs`. After a network change a connection can die without the browser
   * noticing for many minutes (half-open TCP); a ping unanswered for `timeoutMs` ends it here, so the owner
   * reconnects and resumes within seconds.
   */
  keepAlive(intervalMs = 4000, timeoutMs = 6000): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      this.request('ping', {}, timeoutMs).catch((e: unknown) => {
        if (!(e instanceof RequestError && e.code === 'timeout')) return;
        this.lose();
        this.socket.close(CloseCode.reconnecting, 'no answer to ping');
      });
    }, intervalMs);
  }

  /**
   * Connects with `token` (the page's own by default) as a subprotocol: it never appears in a URL. `node`:
   * the page address of the node to connect to, when not this page's own (a cluster's other node).
   */
  static async connect(token = pageToken(), timeoutMs = 10_000, node?: string): Promise<SignalingClient> {
    try {
      return await SignalingClient.open(signalingUrl(node), token, timeoutMs);
    } catch (error) {
      // A refused upgrade looks like a network error to a page; ask the server what it thinks of our token.
      if (token) {
        const refused = await callApi('/api/token', { method: 'GET', token }, TokenInfo).then(
          () => false,
          (e: unknown) => e instanceof RequestError && e.code === 'unauthorized',
        );
        if (refused) throw new RequestError('unauthorized', 'this link has expired or is not valid');
      }
      throw error;
    }
  }

  private static open(url: string, token: string | undefined, timeoutMs: number): Promise<SignalingClient> {
    return new Promise((resolve, reject) => {
      const protocols = [SIGNALING_SUBPROTOCOL, ...(token ? [`${TOKEN_SUBPROTOCOL_PREFIX}${token}`] : [])];
      const socket = new WebSocket(url, protocols);
      const timer = setTimeout(() => {
        socket.close();
        reject(new RequestError('timeout', `no answer from ${url}`));
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(new SignalingClient(socket));
      });
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new RequestError('disconnected', `cannot reach ${url}`));
      });
    });
  }

  get isOpen(): boolean {
    return !this.lost && this.socket.readyState === WebSocket.OPEN;
  }

  request<M extends Method>(method: M, params: Params<M>, timeoutMs = 15_000): Promise<Result<M>> {
    if (!this.isOpen) return Promise.reject(new RequestError('disconnected', 'signaling connection lost'));
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('timeout', `${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (data) => {
          clearTimeout(timer);
          const result = decodeResult(method, data);
          if (result.ok) resolve(result.value);
          else reject(new RequestError('bad_request', `${method}: unexpected answer: ${result.message}`));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.send(JSON.stringify({ type: 'request', id, method, data: params }));
    });
  }

  /**
   * Sends `method` as a notification: no answer unless it is refused (then a warning, and `refusals` counts
   * it). For frequent reports the page does not wait on; false when the connection is down.
   */
  notify<M extends Method>(method: M, params: Params<M>): boolean {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify({ type: 'notify', method, data: params }));
    return true;
  }

  /** Messages the server refused without an id to answer (notifications, malformed frames). */
  get refusals(): number {
    return this.refused;
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** A goodbye: the server lets this connection's peer go at once (a drop would keep it for a resume). */
  close(): void {
    this.socket.close(1000, 'bye');
  }

  /** Gives up on this connection to make a new one: the server keeps the peer for a `resume`. */
  abandon(): void {
    this.socket.close(CloseCode.reconnecting, 'reconnecting');
  }

  private onFrame(raw: string): void {
    const decoded = decodeServerMessage(raw);
    if (!decoded.ok) {
      console.warn('ignoring a malformed server message:', decoded.message);
      return;
    }
    const msg = decoded.value;
    if (msg.type === 'event') {
      // Each set only holds listeners registered for this event name, with its data type.
      for (const fn of this.listeners.get(msg.event) ?? []) (fn as (d: unknown) => void)(msg.data);
      return;
    }
    if (msg.id === null) {
      this.refused++;
      console.warn('server refused a message:', msg.ok ? '' : msg.error.message);
      return;
    }
    const pending = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (!pending) return;
    if (msg.ok) pending.resolve(msg.data);
    else pending.reject(new RequestError(msg.error.code, msg.error.message, msg.error.moved));
  }
}
