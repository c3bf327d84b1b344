// This node as a member of a cluster (CLUSTER_REDIS_URL set): it keeps its record and its rooms' origin
// claims fresh in Redis, answers other nodes on the bus, and is the rooms' gate — a camera may join only on
// the node that holds (or takes) the room's origin claim; a viewer on a node without the camera gets it
// piped in from the origin, once per room per node (EdgeSource), and the origin keeps one OriginLink per
// edge. A node that stops heartbeating is left: its pipes close, its edges wait for the camera elsewhere.
import type { FastifyBaseLogger } from 'fastify';
import type { ClusterOptions } from '../config.js';
import { ServiceError } from '../errors.js';
import type { Tokens } from '../auth/tokens.js';
import type { RoomChange, RoomGate, RoomRegistry } from '../media/room-registry.js';
import type { NodeDirectory } from '../signaling/session.js';
import type { Room } from '../media/room.js';
import type { WorkerPool } from '../media/worker-pool.js';
import type { Presence } from '../presence/presence.js';
import type { Role, RoomId } from '../protocol/index.js';
import { Bus, type BusHandlers } from './bus.js';
import { EdgeSource } from './edge-source.js';
import type { BusMessageOf, NodeId, NodeRecord, OriginToEdge } from './messages.js';
import { NodeLoad } from './node-load.js';
import { NodePlacement } from './node-placement.js';
import { NodeRegistry } from './node-registry.js';
import type { OriginLink } from './origin-link.js';
import { OriginLinks } from './origin-links.js';
import { RedisLink } from './redis-link.js';

export interface ClusterNodeOptions {
  config: ClusterOptions;
  rooms: RoomRegistry;
  /** Each room's presence relay here (gaze and cues cross nodes through the pipes). */
  presence: Presence;
  pool: WorkerPool;
  log: FastifyBaseLogger;
  /** How long an edge keeps its pipe after its last viewer left (the rooms' empty-close delay). */
  idleMs: number;
  /** Signs the tickets that send a viewer from a full node to another. */
  tokens: Tokens;
}

/** A viewer's join waits this long for the camera's pipe before it goes on without (the tracks follow). */
const pipeWaitMs = 3000;
/** An edge's pipe that no viewer ever used (the join that opened it failed) closes after this. */
const unusedPipeMs = 10_000;

export class ClusterNode implements RoomGate, NodeDirectory {
  readonly id: NodeId;
  private readonly redis: RedisLink;
  private readonly bus: Bus;
  private readonly registry: NodeRegistry;
  private readonly load: NodeLoad;
  /** Where pages go: the node list of join answers, other nodes' origins, full-node redirects. */
  readonly placement: NodePlacement;
  private readonly edges = new Map<RoomId, EdgeSource>();
  private readonly opening = new Map<RoomId, Promise<EdgeSource>>();
  private readonly links: OriginLinks;
  private readonly watched = new WeakSet<Room>();
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private lastNodes: NodeRecord[] = [];
  /** When each node's record was last seen: a node is gone once unseen for a whole lease. */
  private readonly lastSeen = new Map<NodeId, number>();
  private closed = false;

  private constructor(private readonly opts: ClusterNodeOptions) {
    const { config, log } = opts;
    this.id = config.nodeId as NodeId;
    this.redis = new RedisLink(config.redisUrl, log);
    this.bus = new Bus(this.redis, this.id, log);
    this.registry = new NodeRegistry(this.redis, this.id, 3 * config.heartbeatMs, log);
    this.load = new NodeLoad(opts.pool, opts.rooms, config.maxViewers, () =>
      this.allOriginLinks().map((l) => l.transport),
    );
    this.links = new OriginLinks({
      self: this.id,
      rooms: opts.rooms,
      presence: opts.presence,
      bus: this.bus,
      listen: config.pipe,
      log,
    });
    this.placement = new NodePlacement({
      self: this.id,
      nodeUrl: config.nodeUrl,
      maxViewers: config.maxViewers,
      tokens: opts.tokens,
      log,
      viewers: () => this.load.viewers(),
    });
  }

  static async start(opts: ClusterNodeOptions): Promise<ClusterNode> {
    const node = new ClusterNode(opts);
    node.bus.start(node.handlers());
    node.redis.onReady(() => {
      // Redis was away (or restarted empty): records missing now say nothing of the nodes yet.
      const now = Date.now();
      for (const id of node.lastSeen.keys()) node.lastSeen.set(id, now);
      void node.heartbeat();
    });
    await node.redis.start();
    node.timer = setInterval(() => void node.heartbeat(), opts.config.heartbeatMs);
    opts.log.info(
      { nodeId: node.id, nodeUrl: opts.config.nodeUrl, pipe: opts.config.pipe },
      'cluster node started',
    );
    return node;
  }

  get redisConnected(): boolean {
    return this.redis.connected;
  }

  /** The nodes seen at the last heartbeat. */
  get nodes(): readonly NodeRecord[] {
    return this.lastNodes;
  }

  /** The origin's pipes to edges for `room` (one per edge node). */
  originLinks(room: RoomId): OriginLink[] {
    return this.links.of(room);
  }

  edgeSource(room: RoomId): EdgeSource | undefined {
    return this.edges.get(room);
  }

  allOriginLinks(): OriginLink[] {
    return this.links.all();
  }

  allEdgeSources(): EdgeSource[] {
    return [...this.edges.values()];
  }

  // --- for signaling: where pages go (NodePlacement), and operators' changes everywhere ----------------

  members(): ReturnType<NodePlacement['members']> {
    return this.placement.members();
  }

  origins(): string[] {
    return this.placement.origins();
  }

  placeViewer(room: RoomId, ticket: string | undefined): Promise<void> {
    return this.placement.placeViewer(room, ticket);
  }

  roomChanged(room: RoomId, change: RoomChange): void {
    void this.bus.broadcast({ type: 'roomOperated', room, change });
  }

  // --- the gate ---------------------------------------------------------------------------------------

  async admit(room: Room, role: Role): Promise<void> {
    this.follow(room);
    if (role === 'camera') return this.admitCamera(room);
    // The room's cap counts its viewers on every node (as of their last heartbeats).
    const elsewhere = this.lastNodes
      .filter((n) => n.id !== this.id)
      .reduce((sum, n) => sum + (n.rooms.find((r) => r.room === room.id)?.viewers ?? 0), 0);
    if (elsewhere > 0 && room.localViewers + elsewhere >= room.maxViewers)
      throw new ServiceError('room_full', `room ${room.id} has its maximum of ${room.maxViewers} viewers`);
    if (room.camera) return;
    const origin = await this.registry.originOf(room.id).catch(() => undefined);
    if (!origin || origin === this.id) return;
    const piping = this.pipeFrom(room, origin);
    const waited = await Promise.race([
      piping.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), pipeWaitMs).unref()),
    ]);
    if (!waited)
      this.opts.log.warn({ roomId: room.id, origin }, 'pipe from origin slow; the viewer joins without it');
  }

  async cameraElsewhere(id: RoomId): Promise<boolean> {
    const origin = await this.registry.originOf(id).catch(() => undefined);
    return origin !== undefined && origin !== this.id;
  }

  private async admitCamera(room: Room): Promise<void> {
    let claimed: boolean;
    try {
      claimed = await this.registry.claimOrigin(room.id);
    } catch (error) {
      // Redis away: the node carries on alone; the heartbeat claims the room once Redis is back.
      this.opts.log.warn({ roomId: room.id, err: (error as Error).message }, 'camera admitted without Redis');
      return;
    }
    if (!claimed) {
      const holder = await this.registry.originOf(room.id).catch(() => undefined);
      throw new ServiceError(
        'camera_taken',
        `room ${room.id} already has a camera (on node ${holder ?? '?'})`,
      );
    }
    // The camera is here now: a pipe from where it was is stale.
    this.edges.get(room.id)?.end('a camera joined on this node');
    await this.bus.broadcast({ type: 'originMoved', room: room.id });
  }

  /** Watches each room once: its camera leaving gives up the claim; its closing drops its pipes. */
  private follow(room: Room): void {
    if (this.watched.has(room)) return;
    this.watched.add(room);
    room.watch({
      cameraLeft: (camera) => {
        if (camera.source === 'origin') return;
        void this.registry.releaseOrigin(room.id).catch(() => undefined);
      },
      closed: () => {
        this.edges.get(room.id)?.end('the room closed');
      },
    });
  }

  private pipeFrom(room: Room, origin: NodeId): Promise<EdgeSource> {
    const current = this.edges.get(room.id);
    if (current && !current.isEnded && current.origin === origin) return Promise.resolve(current);
    let pending = this.opening.get(room.id);
    if (pending) return pending;
    current?.end(`the camera moved to node ${origin}`);
    pending = EdgeSource.open({
      room,
      presence: this.opts.presence.of(room),
      origin,
      bus: this.bus,
      listen: this.opts.config.pipe,
      idleMs: this.opts.idleMs,
      unusedMs: unusedPipeMs,
      onEnd: (source) => {
        if (this.edges.get(room.id) === source) this.edges.delete(room.id);
      },
    })
      .then((source) => {
        if (!source.isEnded) this.edges.set(room.id, source);
        return source;
      })
      .catch((error: unknown) => {
        this.opts.log.warn(
          { roomId: room.id, origin, err: (error as Error).message },
          'could not pipe the camera in',
        );
        throw error;
      })
      .finally(() => this.opening.delete(room.id));
    this.opening.set(room.id, pending);
    pending.catch(() => undefined);
    return pending;
  }

  // --- the bus ----------------------------------------------------------------------------------------

  private handlers(): BusHandlers {
    const toEdge = (
      // pipeTrackState and pipeClose come from origins and edges both: routed below.
      m: BusMessageOf<Exclude<OriginToEdge, 'pipeTrackState' | 'pipeClose'>>,
    ) => this.edges.get(m.room)?.handle(m);
    const link = (m: { room: RoomId; from: NodeId }) => this.links.get(m.room, m.from);
    return {
      pipeOpen: (m) => this.links.open(m),
      pipeTrackAdded: toEdge,
      pipeStream: toEdge,
      pipeVoiceMuted: toEdge,
      pipeViewerKick: toEdge,
      roomOperated: (m) => void this.opts.rooms.operate(m.room, m.change),
      pipeTalkback: toEdge,
      pipeRecording: toEdge,
      pipeLookHere: toEdge,
      pipePresence: toEdge,
      pipeWatchPresence: (m) => link(m)?.watchPresence(m.watching),
      pipeLook: async (m) => {
        await link(m)?.look({ yaw: m.yaw, pitch: m.pitch }, m.cueId);
      },
      pipeGaze: (m) => link(m)?.viewers.gaze(m),
      pipeCueSeen: (m) => link(m)?.viewers.cueSeen(m.peerId, m.cueId),
      // The camera's tracks come from the origin; voices from an edge.
      pipeTrackState: async (m) => {
        const edge = this.edges.get(m.room);
        if (edge?.origin === m.from) return edge.handle(m);
        await link(m)?.viewers.voice(m.producerId, m.state);
      },
      pipeViewer: async (m) => {
        await link(m)?.viewers.seen(m);
      },
      pipeViewerLeft: (m) => link(m)?.viewers.left(m.peerId),
      pipeClose: (m) => {
        const edge = this.edges.get(m.room);
        if (edge?.origin === m.from) edge.handle(m);
        link(m)?.close(`the edge closed it: ${m.reason}`, false);
      },
      originMoved: (m) => {
        const room = this.opts.rooms.get(m.room);
        if (!room || room.isClosed || room.localViewers === 0) return;
        if (room.camera && room.camera.source !== 'origin') {
          room.camera.log.warn({ node: m.from }, "another node took this room's camera claim");
          return;
        }
        void this.pipeFrom(room, m.from).catch(() => undefined);
      },
    };
  }

  // --- the heartbeat ----------------------------------------------------------------------------------

  private heartbeat(): Promise<void> {
    // One at a time: a slow Redis must not pile heartbeats up.
    this.beating ??= this.beat().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beat(): Promise<void> {
    if (this.closed || !this.redis.connected) return;
    try {
      const rooms = this.opts.rooms.list().filter((r) => !r.isClosed);
      const origins = rooms.filter((r) => r.camera && r.camera.source !== 'origin');
      const load = await this.load.measure();
      await this.registry.publish({
        id: this.id,
        httpUrl: this.opts.config.nodeUrl,
        mediaIp: this.opts.config.pipe.announcedIp ?? this.opts.config.pipe.ip,
        startedAt: this.startedAt,
        load,
        rooms: rooms.map((r) => ({ room: r.id, viewers: r.localViewers, origin: origins.includes(r) })),
      });
      for (const room of origins) await this.renewClaim(room);
      this.lastNodes = await this.registry.nodes();
      const now = Date.now();
      for (const n of this.lastNodes) this.lastSeen.set(n.id, now);
      this.placement.update(this.lastNodes, load.cpu, now);
      this.leaveTheDead(now);
    } catch (error) {
      this.opts.log.debug({ err: (error as Error).message }, 'heartbeat missed');
    }
  }

  /** Renews the room's origin claim while its camera is here; one that left meanwhile gives it up again. */
  private async renewClaim(room: Room): Promise<void> {
    const here = () => !room.isClosed && room.camera !== undefined && room.camera.source !== 'origin';
    if (!here()) return;
    const held = await this.registry.claimOrigin(room.id);
    if (!held) room.camera?.log.warn("another node holds this room's camera claim");
    // The camera left while the claim was on its way: its release may have come first.
    else if (!here()) await this.registry.releaseOrigin(room.id);
  }

  /**
   * Pipes to or from a node unseen for a whole lease are closed: its record expired and was not written
   * again, so nothing flows on them any more. (A Redis restart empties Redis, but every live node writes its
   * record again within a heartbeat; see onReady.)
   */
  private leaveTheDead(now: number): void {
    const gone = (id: NodeId) => {
      const seen = this.lastSeen.get(id);
      // A node met first through a pipe (before its record was read) is timed from now.
      if (seen === undefined) this.lastSeen.set(id, now);
      return seen !== undefined && now - seen > this.registry.leaseMs;
    };
    for (const edge of this.edges.values())
      if (gone(edge.origin)) edge.end(`origin node ${edge.origin} is gone`, false);
    for (const link of this.allOriginLinks())
      if (gone(link.edge)) link.close(`edge node ${link.edge} is gone`, false);
    for (const [id, seen] of this.lastSeen)
      if (now - seen > 10 * this.registry.leaseMs) this.lastSeen.delete(id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const edge of this.edges.values()) edge.end('node shutting down');
    this.links.closeAll('node shutting down');
    await this.beating;
    await Promise.allSettled([this.registry.withdraw(), ...this.releaseAll()]);
    this.bus.close();
    this.redis.close();
  }

  private releaseAll(): Promise<void>[] {
    return this.opts.rooms
      .list()
      .filter((r) => r.camera && r.camera.source !== 'origin')
      .map((r) => this.registry.releaseOrigin(r.id));
  }
}
