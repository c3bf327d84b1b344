// One peer in one room, kept through whatever breaks. When the connection drops, it reconnects with backoff
// and resumes as the same peer (the server keeps a dropped peer's media for a grace period, so media never
// stopped); when that is no longer possible (grace period over, server restarted, the room's media server
// died) it joins afresh and the owner rebuilds its media. Only a kick, an operator closing the room, or a
// refused link end it. The camera and the viewer are both owners of one of these.
// In a cluster the join answer lists every node: when this page's node cannot be reached again, the session
// goes on at the next one (joining afresh there); a full node sends it to another with a ticket it follows.
import type { types } from 'mediasoup-client';
import type { Params, Result, TransportId } from '@inclubit/sfu/protocol';
import { RequestError } from './errors';
import { SignalingClient } from './signaling';

export type SessionPhase = 'connecting' | 'connected' | 'reconnecting' | 'removed' | 'closed' | 'error';

export interface RoomSessionOwner {
  /** A new connection: subscribe to its events (before join or resume is sent). */
  listen(signaling: SignalingClient): void;
  /** A fresh peer: build the media (transports, produce or consume). Called again after every rejoin. */
  joined(signaling: SignalingClient, joined: Result<'join'>): Promise<void>;
  /** The same peer on a new connection: its media is still there; reconcile what changed while away. */
  resumed(signaling: SignalingClient, resumed: Result<'resume'>): Promise<void>;
  /** Before a fresh join: drop the old peer's media (it is gone on the server). */
  reset(): void;
  phase(phase: SessionPhase, message?: string): void;
}

/**
 * 0.25 s, 0.5 s, 1 s, then every 2 s, each plus up to 0.25 s at random: a restarted server is found within
 * seconds of coming back, and a room full of headsets does not knock on its door in the same millisecond.
 */
const backoffMs = (attempt: number) => Math.min(2000, 250 * 2 ** attempt) + Math.random() * 250;

export class RoomSession {
  private signaling: SignalingClient | undefined;
  private peer: Params<'resume'> | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The cluster's nodes (page addresses) from the last join answer, and the one used now (undefined: this
   * page's own); a ticket from a full node that sent this session on. */
  private nodes: string[] = [];
  private node: string | undefined;
  private ticket: string | undefined;
  /** Transports whose ICE this session keeps alive (watchIce), until they close. */
  private readonly transports = new Set<types.Transport>();
  /** Transports with an ICE restart under way (a resume and a disconnect timer can both ask for one). */
  private readonly restarting = new Set<types.Transport>();

  constructor(
    private readonly join: Params<'join'>,
    private readonly owner: RoomSessionOwner,
  ) {}

  start(): void {
    this.owner.phase('connecting');
    // A closed tab says goodbye itself, instead of relying on the browser's close of the socket: a socket
    // that ends without a close frame keeps the peer (and its place in the room) for the resume grace.
    window.addEventListener('pagehide', this.onPageHide);
    void this.connect();
  }

  private readonly onPageHide = () => this.stop();

  /** Leaves the room (a goodbye: the server frees the peer at once). */
  stop(): void {
    this.stopped = true;
    window.removeEventListener('pagehide', this.onPageHide);
    clearTimeout(this.timer);
    const signaling = this.signaling;
    this.signaling = undefined;
    signaling?.close();
  }

  /** The live connection, if there is one right now. */
  get current(): SignalingClient | undefined {
    return this.signaling?.isOpen ? this.signaling : undefined;
  }

  /**
   * Keeps a transport's ICE alive across network changes: when it fails (or stays disconnected), asks the
   * server for new ICE parameters and restarts ICE. If the connection is down, the next resume does it.
   */
  watchIce(transport: types.Transport): void {
    this.transports.add(transport);
    transport.observer.on('close', () => this.transports.delete(transport));
    let disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
    transport.on('connectionstatechange', (state) => {
      clearTimeout(disconnectedTimer);
      if (state === 'failed') void this.restartIce(transport);
      // Often back by itself (a short Wi-Fi gap); restart only if not.
      if (state === 'disconnected')
        disconnectedTimer = setTimeout(() => void this.restartIce(transport), 3000);
    });
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    const signaling = this.current;
    if (!signaling || transport.closed || this.restarting.has(transport)) return;
    const state = transport.connectionState;
    if (state !== 'failed' && state !== 'disconnected') return;
    this.restarting.add(transport);
    try {
      const { iceParameters } = await signaling.request('restartIce', {
        transportId: transport.id as TransportId,
      });
      await transport.restartIce({ iceParameters });
    } catch (e) {
      console.warn('ICE restart failed; the next reconnect tries again', e);
    } finally {
      this.restarting.delete(transport);
    }
  }

  private async connect(): Promise<void> {
    let signaling: SignalingClient | undefined;
    try {
      signaling = await SignalingClient.connect(undefined, undefined, this.node);
      if (this.stopped) return signaling.close();
      this.signaling = signaling;
      signaling.keepAlive();
      const self = signaling;
      signaling.onClose(() => {
        if (this.signaling === self) this.lost(new Error('lost the connection to the server'));
      });
      signaling.on('kicked', ({ reason }) => {
        if (this.signaling === self) this.end('removed', `You were removed from the room (${reason}).`);
      });
      signaling.on('roomClosed', ({ reason, rejoin }) => {
        if (this.signaling !== self) return;
        if (!rejoin) return this.end('closed', `The room was closed (${reason}).`);
        // The room's media server went away and the peer with it: join again, on this same connection.
        this.peer = undefined;
        this.owner.phase('reconnecting', `room closed: ${reason}`);
        this.joinAfresh(self).catch((e: unknown) => {
          if (this.signaling === self) this.lost(e);
        });
      });
      this.owner.listen(signaling);

      if (this.peer) {
        try {
          const resumed = await signaling.request('resume', this.peer);
          await this.owner.resumed(signaling, resumed);
          // A restart that could not be asked for while the connection was down.
          await Promise.all([...this.transports].map((t) => this.restartIce(t)));
          return this.connected();
        } catch (e) {
          if (!(e instanceof RequestError && e.code === 'not_found')) throw e;
          this.peer = undefined; // too late: join afresh below
        }
      }
      await this.joinAfresh(signaling);
    } catch (e) {
      // Unless this connection was already given up on (its close handler ran).
      if (!signaling || this.signaling === signaling) this.lost(e);
    }
  }

  private async joinAfresh(signaling: SignalingClient): Promise<void> {
    this.owner.reset();
    let joined: Result<'join'>;
    try {
      joined = await signaling.request('join', { ...this.join, ...(this.ticket && { ticket: this.ticket }) });
    } catch (e) {
      if (e instanceof RequestError && e.moved) {
        // This node is full: go on at the one it names, where the ticket lets us in.
        this.node = new URL(e.moved.url).origin;
        this.ticket = e.moved.ticket;
        this.attempt = 0;
      }
      throw e;
    }
    this.ticket = undefined;
    if (joined.cluster) this.nodes = joined.cluster.nodes.map((n) => new URL(n.url).origin);
    this.peer = { peerId: joined.peerId, resumeToken: joined.resumeToken };
    await this.owner.joined(signaling, joined);
    this.connected();
  }

  private connected(): void {
    this.attempt = 0;
    this.owner.phase('connected');
  }

  private lost(error: unknown): void {
    if (this.stopped) return;
    const signaling = this.signaling;
    this.signaling = undefined;
    // Dropped, not closed: a close would be a goodbye and the server would free the peer we want back.
    // With no peer to come back to (a join that never answered), a goodbye frees whatever the server made.
    if (this.peer) signaling?.abandon();
    else signaling?.close();
    const code = error instanceof RequestError ? error.code : undefined;
    if (code === 'bad_request' || code === 'forbidden' || code === 'unauthorized')
      return this.end('error', (error as Error).message);
    this.owner.phase('reconnecting', error instanceof Error ? error.message : String(error));
    // Its node once more (a blip), then the cluster's next node at each try: a dead node is left at once.
    const moved = error instanceof RequestError && error.moved;
    const elsewhere = this.attempt >= 1 && this.nodes.length > 1 && !moved;
    if (elsewhere) {
      const at = this.nodes.indexOf(this.node ?? location.origin);
      this.node = this.nodes[(at + 1) % this.nodes.length];
    }
    clearTimeout(this.timer);
    // Sent on, or leaving a node that did not come back: at once; trying again anywhere: after a backoff.
    const delay = moved || (elsewhere && this.attempt === 1) ? 0 : backoffMs(this.attempt);
    if (!moved) this.attempt++;
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private end(phase: 'removed' | 'closed' | 'error', message: string): void {
    this.stop();
    this.owner.reset();
    this.owner.phase(phase, message);
  }
}
