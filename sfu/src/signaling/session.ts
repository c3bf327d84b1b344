// One signaling connection's state: not joined, or joined to a room as a peer.
// Socket-agnostic, so the same session logic serves tests and (later) other transports.
import type { FastifyBaseLogger } from 'fastify';
import type { IceServer, Params, PeerId, Result } from '../protocol/index.js';
import { SignalingError } from '../errors.js';
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
}

export class SignalingSession {
  private member: { room: Room; peer: Peer } | undefined;
  private closed = false;

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
        notify: this.opts.notify,
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

  close(): void {
    this.closed = true;
    this.leave();
  }
}
