// One signaling connection's state: not joined, or joined to a room as a peer.
// Socket-agnostic, so the same session logic serves tests and (later) other transports.
import type { FastifyBaseLogger } from 'fastify';
import type { IceServer, Params, PeerId, Result, RoomId, RoomSummary } from '../protocol/index.js';
import { SignalingError, throwNotFound } from '../errors.js';
import { authorizeJoin, type AccessPolicy } from '../auth/access.js';
import type { Grant } from '../auth/tokens.js';
import type { Peer, Notify } from '../media/peer.js';
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
  /** Ends this connection (used after a kick). */
  disconnect: () => void;
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
    if (this.member) throw new SignalingError('already_joined', 'this connection already joined a room');
    // Checked before the room is touched: a refused join creates nothing.
    authorizeJoin(this.opts.policy, this.opts.grant, params.room, params.role);
    const room = await this.opts.rooms.acquire(params.room);
    try {
      if (this.closed) throw new SignalingError('invalid_state', 'connection closed');
      const peer = room.join({
        role: params.role,
        displayName: params.displayName,
        device: this.opts.device,
        notify: this.opts.notify,
        disconnect: this.opts.disconnect,
      });
      this.member = { room, peer };
      return {
        peerId: peer.id,
        routerRtpCapabilities: room.rtpCapabilities,
        producers: room.producers(),
        stream: room.stream,
        iceServers: this.opts.iceServersFor(peer.id),
      };
    } finally {
      room.release();
    }
  }

  /** The joined room and peer, or a `not_joined` error. */
  joined(): { room: Room; peer: Peer } {
    if (!this.member || this.member.room.isClosed) {
      this.member = undefined;
      throw new SignalingError('not_joined', 'join a room first');
    }
    return this.member;
  }

  leave(): void {
    const member = this.member;
    this.member = undefined;
    member?.room.leave(member.peer);
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

  close(): void {
    this.closed = true;
    if (this.dashboard) clearInterval(this.dashboard.timer);
    this.leave();
  }
}
