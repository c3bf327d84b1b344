// One signaling connection's state: not joined, or joined to a room as a peer.
// Socket-agnostic, so the same session logic serves tests and (later) other transports.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type {
  ConsumerId,
  IceServer,
  Params,
  PeerId,
  Result,
  RoomId,
  RoomSummary,
} from '../protocol/index.js';
import { SignalingError, throwNotFound } from '../errors.js';
import { authorizeJoin, type AccessPolicy } from '../auth/access.js';
import type { Grant } from '../auth/tokens.js';
import type { DisconnectReason, Notify, Peer, PeerLink } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/room-registry.js';

export interface SessionOptions {
  rooms: RoomRegistry;
  log: FastifyBaseLogger;
  notify: Notify;
  /** What the connection's token allows (checked at the upgrade); undefined without a token. */
  grant: Grant | undefined;
  policy: AccessPolicy;
  iceServersFor: (peerId: PeerId) => IceServer[];
  /** Human name of the connection's browser, for the dashboard. */
  device: string;
  /** Ends this connection (after a kick, or when another connection resumed its peer). */
  disconnect: (reason: DisconnectReason) => void;
  /** How long a dropped connection's peer waits for a `resume` before it leaves. */
  resumeGraceMs: number;
  /** How often an operator's dashboard gets its changes. */
  dashboardIntervalMs?: number;
}

export class SignalingSession {
  private member: { room: Room; peer: Peer } | undefined;
  private closed = false;
  private dashboard: { timer: NodeJS.Timeout; sent: Map<RoomId, string> } | undefined;

  constructor(private readonly opts: SessionOptions) {}

  get isJoined(): boolean {
    return this.member !== undefined;
  }

  get peerId(): PeerId | undefined {
    return this.member?.peer.id;
  }

  get log(): FastifyBaseLogger {
    return this.member?.peer.log ?? this.opts.log;
  }

  async join(params: Params<'join'>): Promise<Result<'join'>> {
    // A room that closed under us (its worker died) may be joined again on the same connection.
    if (this.member && !this.member.room.isClosed)
      throw new SignalingError('already_joined', 'this connection already joined a room');
    this.member = undefined;
    // Checked before the room is touched: a refused join creates nothing.
    authorizeJoin(this.opts.policy, this.opts.grant, params.room, params.role);
    const room = await this.opts.rooms.acquire(params.room);
    try {
      if (this.closed) throw new SignalingError('invalid_state', 'connection closed');
      const peer = room.join({
        role: params.role,
        displayName: params.displayName,
        device: this.opts.device,
        link: this.link(),
      });
      this.member = { room, peer };
      return {
        peerId: peer.id,
        routerRtpCapabilities: room.rtpCapabilities,
        producers: room.producersFor(peer),
        stream: room.stream,
        talkback: room.talkback,
        iceServers: this.opts.iceServersFor(peer.id),
        resumeToken: peer.resumeToken,
      };
    } finally {
      room.release();
    }
  }

  /** Becomes a peer whose connection dropped (or is about to be seen to have dropped). */
  resume(params: Params<'resume'>): Result<'resume'> {
    if (this.member && !this.member.room.isClosed)
      throw new SignalingError('already_joined', 'this connection already joined a room');
    const found = this.opts.rooms.findPeer(params.peerId);
    // The same answer for "never existed", "left" and "wrong token": nothing to learn by guessing.
    if (!found || !sameSecret(found.peer.resumeToken, params.resumeToken))
      throw new SignalingError(
        'not_found',
        'nothing to resume (the grace period ended or the server restarted); join again',
      );
    const { room, peer } = found;
    authorizeJoin(this.opts.policy, this.opts.grant, room.id, peer.role);
    room.resume(peer, this.link());
    this.member = found;
    return {
      peerId: peer.id,
      role: peer.role,
      producers: room.producersFor(peer),
      stream: room.stream,
      talkback: room.talkback,
      consumerIds: peer.listConsumers().map((c) => c.id as ConsumerId),
    };
  }

  private link(): PeerLink {
    return { owner: this, notify: this.opts.notify, disconnect: this.opts.disconnect };
  }

  /** The joined room and peer, or a `not_joined` error. */
  joined(): { room: Room; peer: Peer } {
    // Not ours any more when the room closed, or when another connection resumed the peer.
    if (!this.member || this.member.room.isClosed || !this.member.peer.isLinkedTo(this)) {
      this.member = undefined;
      throw new SignalingError('not_joined', 'join a room first');
    }
    return this.member;
  }

  /** A goodbye: the peer leaves at once. */
  leave(): void {
    const member = this.member;
    this.member = undefined;
    if (member?.peer.isLinkedTo(this)) member.room.leave(member.peer);
  }

  /** The operator grant, or `forbidden`: every dashboard method starts here. */
  requireOperator(): void {
    if (this.opts.grant?.role !== 'operator') throw new SignalingError('forbidden', 'operator role required');
  }

  room(id: RoomId): Room {
    return this.opts.rooms.get(id) ?? throwNotFound('room', id);
  }

  /** Starts pushing `roomsChanged` (only rooms whose summary changed) and returns every room now. */
  async watchRooms(): Promise<RoomSummary[]> {
    this.requireOperator();
    const sent = new Map<RoomId, string>();
    const summaries = await Promise.all(this.opts.rooms.list().map((r) => r.summary()));
    for (const s of summaries) sent.set(s.room, JSON.stringify(s));
    if (!this.dashboard) {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return; // a slow round is skipped, never stacked
        busy = true;
        this.pushRoomChanges(sent)
          .catch((err: unknown) => this.log.warn({ err }, 'dashboard update failed'))
          .finally(() => (busy = false));
      }, this.opts.dashboardIntervalMs ?? 1000);
      this.dashboard = { timer, sent };
    }
    return summaries;
  }

  private async pushRoomChanges(sent: Map<RoomId, string>): Promise<void> {
    const rooms = this.opts.rooms.list().filter((r) => !r.isClosed);
    const summaries = await Promise.all(rooms.map((r) => r.summary()));
    const changed = summaries.filter((s) => sent.get(s.room) !== JSON.stringify(s));
    const live = new Set(summaries.map((s) => s.room));
    const removed = [...sent.keys()].filter((id) => !live.has(id));
    for (const s of changed) sent.set(s.room, JSON.stringify(s));
    for (const id of removed) sent.delete(id);
    if (changed.length || removed.length)
      this.opts.notify({ event: 'roomsChanged', data: { rooms: changed, removed } });
  }

  /**
   * The connection ended. With a goodbye (a clean close) the peer leaves; without one (a drop) it waits
   * for a resume on a new connection (see Room.suspend).
   */
  close({ goodbye }: { goodbye: boolean }): void {
    this.closed = true;
    if (this.dashboard) clearInterval(this.dashboard.timer);
    if (goodbye) return this.leave();
    const member = this.member;
    this.member = undefined;
    member?.room.suspend(member.peer, this, this.opts.resumeGraceMs);
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
