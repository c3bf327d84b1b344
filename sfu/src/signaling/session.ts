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
import { ServiceError, throwNotFound } from '../errors.js';
import { authorizeJoin, type AccessPolicy } from '../auth/access.js';
import type { Grant } from '../auth/tokens.js';
import type { DisconnectReason, Notify, Peer, PeerLink } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { RoomChange, RoomRegistry } from '../media/room-registry.js';
import type { RoomWatcher } from '../observe/room-watcher.js';
import type { Presence } from '../presence/presence.js';

/** The cluster as signaling sees it: where else a page can go, and whether this node takes a viewer. */
export interface NodeDirectory {
  /** This node and every live node's page address (the join answer's list to go on at). */
  members(): NonNullable<Result<'join'>['cluster']>;
  /** Throws a MovedError when this node is full and another has room; a ticket for this node lets one in. */
  placeViewer(room: RoomId, ticket: string | undefined): Promise<void>;
  /** An operator changed the room here: every other node that has it does the same. */
  roomChanged(room: RoomId, change: RoomChange): void;
}

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
  /** Every room's summary, for operators' dashboards. */
  watcher: RoomWatcher;
  /** Where viewers look, and the teacher's cues. */
  presence: Presence;
  /** The cluster, when this node is in one. */
  cluster?: NodeDirectory | undefined;
}

export class SignalingSession {
  private member: { room: Room; peer: Peer } | undefined;
  private closed = false;
  /** Ends this operator's room feed. */
  private stopWatching: (() => void) | undefined;
  /** Ends this operator's feed of one room's presence. */
  private stopWatchingPresence: (() => void) | undefined;

  constructor(private readonly opts: SessionOptions) {}

  /** Doing what a connection is for: in a room, or an operator watching the rooms (the dashboard). */
  get isEngaged(): boolean {
    return this.member !== undefined || this.stopWatching !== undefined;
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
      throw new ServiceError('already_joined', 'this connection already joined a room');
    this.member = undefined;
    // Checked before the room is touched: a refused join creates nothing.
    authorizeJoin(this.opts.policy, this.opts.grant, params.room, params.role);
    if (params.role === 'viewer') await this.opts.cluster?.placeViewer(params.room, params.ticket);
    const room = await this.opts.rooms.acquire(params.room, params.role);
    try {
      if (this.closed) throw new ServiceError('invalid_state', 'connection closed');
      const peer = room.join({
        role: params.role,
        displayName: params.displayName,
        device: this.opts.device,
        page: true,
        link: this.link(),
      });
      this.member = { room, peer };
      return {
        peerId: peer.id,
        routerRtpCapabilities: room.rtpCapabilities,
        producers: room.producersFor(peer),
        stream: room.stream,
        cameraStalled: room.cameraStalled,
        talkback: room.talkback,
        recording: room.recording,
        iceServers: this.opts.iceServersFor(peer.id),
        resumeToken: peer.resumeToken,
        ...(this.opts.cluster && { cluster: this.opts.cluster.members() }),
      };
    } finally {
      room.release();
    }
  }

  /** Becomes a peer whose connection dropped (or is about to be seen to have dropped). */
  resume(params: Params<'resume'>): Result<'resume'> {
    if (this.member && !this.member.room.isClosed)
      throw new ServiceError('already_joined', 'this connection already joined a room');
    const found = this.opts.rooms.findPeer(params.peerId);
    // The same answer for "never existed", "left" and "wrong token": nothing to learn by guessing.
    if (!found || !sameSecret(found.peer.resumeToken, params.resumeToken))
      throw new ServiceError(
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
      cameraStalled: room.cameraStalled,
      talkback: room.talkback,
      recording: room.recording,
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
      throw new ServiceError('not_joined', 'join a room first');
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
    if (this.opts.grant?.role !== 'operator') throw new ServiceError('forbidden', 'operator role required');
  }

  /** An operator's change to a room: here, and in a cluster on every node that has it. */
  operate(id: RoomId, change: RoomChange): void {
    this.requireOperator();
    const here = this.opts.rooms.operate(id, change);
    if (!here && !this.opts.cluster) throwNotFound('room', id);
    this.opts.cluster?.roomChanged(id, change);
  }

  room(id: RoomId): Room {
    return this.opts.rooms.get(id) ?? throwNotFound('room', id);
  }

  /** Starts pushing `roomsChanged` (only rooms whose summary changed) and returns every room now. */
  async watchRooms(): Promise<RoomSummary[]> {
    this.requireOperator();
    this.stopWatching?.();
    const feed = await this.opts.watcher.subscribe((data) =>
      this.opts.notify({ event: 'roomsChanged', data }),
    );
    // The connection may have closed while the snapshot was made.
    if (this.closed) feed.stop();
    else this.stopWatching = feed.stop;
    return feed.rooms;
  }

  /** A viewer page's gaze, to the room's presence relay. */
  reportGaze(params: Params<'reportGaze'>): void {
    const { room, peer } = this.joined();
    this.opts.presence.of(room).report(peer, params.gaze);
  }

  /** A cue for every viewer: from the room's camera, or from an operator naming the room. */
  async lookHere({ room: id, ...direction }: Params<'lookHere'>): Promise<Result<'lookHere'>> {
    let room: Room;
    if (this.member) {
      const { room: joined, peer } = this.joined();
      if (peer.role !== 'camera') throw new ServiceError('forbidden', 'only the camera or an operator cues');
      if (id !== undefined && id !== joined.id) throw new ServiceError('forbidden', 'not this camera’s room');
      room = joined;
    } else {
      this.requireOperator();
      if (id === undefined) throw new ServiceError('bad_request', 'lookHere: an operator names the room');
      room = this.room(id);
    }
    return { cueId: await this.opts.presence.of(room).look(direction) };
  }

  cueSeen(params: Params<'cueSeen'>): void {
    const { room, peer } = this.joined();
    this.opts.presence.of(room).cueSeen(peer, params.cueId);
  }

  /** An operator follows one room's presence (or none). */
  watchPresence(params: Params<'watchPresence'>): void {
    this.requireOperator();
    this.stopWatchingPresence?.();
    this.stopWatchingPresence = undefined;
    if (params.room === null) return;
    const presence = this.opts.presence.of(this.room(params.room));
    this.stopWatchingPresence = presence.watch(this.opts.notify);
  }

  /**
   * The connection ended. With a goodbye (a clean close) the peer leaves; without one (a drop) it waits
   * for a resume on a new connection (see Room.suspend).
   */
  close({ goodbye }: { goodbye: boolean }): void {
    this.closed = true;
    this.stopWatching?.();
    this.stopWatchingPresence?.();
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
