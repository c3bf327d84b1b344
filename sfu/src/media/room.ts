// A room: its routers (one per worker it uses: RoomRouters), at most one camera, any number of viewers.
// The Room holds membership (join, suspend, resume, leave, close) and the media plumbing between its peers;
// who hears whom is TalkbackRules', read-outs are observe/'s. It knows nothing of sockets or JSON.
// Longer than ~300 lines on purpose: membership and plumbing share the peer map and every operation checks
// both (a peer that left while its transport opened, a track only some peers may receive); split apart, each
// half would need the other's internals. The next seams (issue 19, "one source, many sinks") take the
// camera's producers out to a RoomSource and each consumer set to a sink.
import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type {
  ConsumerId,
  DtlsParameters,
  Layers,
  MediaKind,
  PeerId,
  ProducerId,
  ProducerInfo,
  Result,
  StreamInfo,
  Role,
  Talkback,
  RoomId,
  RtpCapabilities,
  SourceKind,
  RtpParameters,
  TransportId,
} from '../protocol/index.js';
import { defaultStreamInfo } from '../protocol/index.js';
import { ServiceError, fromMediasoup, notFound, throwNotFound } from '../errors.js';
import { mediaCodecs } from './codecs.js';
import { producerOptions } from './forwarding.js';
import { RoomRouters, type Placement } from './room-routers.js';
import { LayeredConsumers } from './layered-consumers.js';
import type { QualityChoice } from './layers.js';
import { Peer, type LocalTransport, type PeerLink } from './peer.js';
import { StallWatch } from './stall-watch.js';
import { TalkbackRules, producerInfo, type Track } from './talkback.js';
import type { MediaWorker } from './worker-pool.js';

export interface RoomOptions {
  id: RoomId;
  worker: MediaWorker;
  log: FastifyBaseLogger;
  /** How long an empty room keeps its router, so a quick reload finds it again. */
  emptyCloseMs: number;
  maxViewers: number;
  /** Keyframe requests to the camera are at least this far apart; requests in between share the next one. */
  keyFrameMinIntervalMs: number;
  /** The pool's workers, for spreading a large room; and how many viewers one worker takes first. */
  workers: () => readonly MediaWorker[];
  viewersPerWorker: number;
  /** A connected camera's video silent this long is stalled (viewers wait); 0: not watched. */
  cameraStallMs: number;
  onClose: (room: Room) => void;
}

/**
 * Something that follows the room's camera from outside the room (a pipe to another node, a recorder): told
 * of each track the camera publishes and of each new description. Adding one does not change the room.
 */
export interface RoomListener {
  cameraTrack?(producer: types.Producer, camera: Peer): void;
  streamChanged?(info: StreamInfo): void;
  talkbackChanged?(policy: Talkback): void;
  recordingChanged?(recording: boolean): void;
  cameraLeft?(camera: Peer): void;
  /** Any peer came, came back on a new connection (resume), or left. */
  peerJoined?(peer: Peer): void;
  peerResumed?(peer: Peer): void;
  peerLeft?(peer: Peer): void;
  closed?(): void;
}

export class Room {
  readonly id: RoomId;
  readonly createdAt = Date.now();
  private readonly peers = new Map<PeerId, Peer>();
  /** Peers whose connection dropped, leaving when their grace period ends unless they resume. */
  private readonly graceTimers = new Map<PeerId, NodeJS.Timeout>();
  private holds = 0;
  private viewerCap: number;
  private streamInfo: StreamInfo = defaultStreamInfo;
  private recordingMark = false;
  /** The camera's video, watched for a picture that stops arriving while the camera stays. */
  private stall: StallWatch | undefined;
  private readonly rules: TalkbackRules;
  private emptyTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly listeners = new Set<RoomListener>();

  private readonly routers: RoomRouters;
  /** Viewers' choices over a camera's layers (simulcast, SVC); the top layer's width is what it reports. */
  private readonly layered: LayeredConsumers;

  private constructor(
    private readonly opts: RoomOptions,
    router: types.Router,
    private readonly log: FastifyBaseLogger,
  ) {
    this.id = opts.id;
    this.viewerCap = opts.maxViewers;
    this.layered = new LayeredConsumers({ topWidth: () => this.camera?.stats.width, log });
    this.rules = new TalkbackRules({
      peers: () => this.peers.values(),
      viewers: () => this.viewers(),
      camera: () => this.camera,
      tracks: () => this.tracks(),
      announce: (info, to) => this.announce(info, to),
      peer: (id) => this.peers.get(id),
    });
    this.routers = new RoomRouters(
      { worker: opts.worker, router },
      {
        workers: opts.workers,
        viewersPerWorker: opts.viewersPerWorker,
        log,
        // A router goes away with its worker; the room cannot outlive it (its peers rejoin a new one).
        onRouterClose: () => this.close('media server restarted'),
      },
    );
  }

  static async create(opts: RoomOptions): Promise<Room> {
    const router = await opts.worker.worker.createRouter({ mediaCodecs });
    const log = opts.log.child({ roomId: opts.id });
    log.info({ worker: opts.worker.index, routerId: router.id }, 'room opened');
    return new Room(opts, router, log);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get routerId(): string {
    return this.routers.home.router.id;
  }

  /** The room's viewers per worker it uses, home first. */
  spread(): { worker: number; viewers: number }[] {
    return this.routers.viewersPerRouter();
  }

  /** The home worker and router, where the camera's tracks are: sinks with routers of their own pipe from here. */
  get home(): Placement {
    return this.routers.home;
  }

  get rtpCapabilities(): RtpCapabilities {
    // Every router of the room is made from the same codecs: their capabilities are the same.
    return this.routers.home.router.rtpCapabilities;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  get camera(): Peer | undefined {
    for (const p of this.peers.values()) if (p.role === 'camera') return p;
    return undefined;
  }

  /** Every router the room uses (home first): what observe/ reads for dumps. */
  routerList(): types.Router[] {
    return this.routers.routers();
  }

  /** Follows the camera until the returned function is called or the room closes. */
  watch(listener: RoomListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell<K extends keyof RoomListener>(event: K, ...args: Parameters<NonNullable<RoomListener[K]>>) {
    for (const l of [...this.listeners]) {
      try {
        (l[event] as ((...a: typeof args) => void) | undefined)?.(...args);
      } catch (error) {
        this.log.error({ err: error, event }, 'a room listener failed');
      }
    }
  }

  /** Keeps the room open while someone is on the way in (between lookup and join). */
  hold(): void {
    this.holds++;
    clearTimeout(this.emptyTimer);
  }

  release(): void {
    this.holds--;
    this.scheduleCloseIfEmpty();
  }

  /** Viewers allowed in; operators may change it while the room runs. */
  get maxViewers(): number {
    return this.viewerCap;
  }

  set maxViewers(n: number) {
    this.viewerCap = n;
    this.log.info({ maxViewers: n }, 'viewer cap set');
  }

  join(opts: {
    role: Role;
    displayName: string | undefined;
    device: string;
    source?: SourceKind;
    page?: boolean;
    link: PeerLink;
  }): Peer {
    if (this.closed) throw new ServiceError('invalid_state', 'room is closed');
    if (opts.role === 'camera' && this.camera) {
      throw new ServiceError('camera_taken', `room ${this.id} already has a camera (${this.camera.source})`);
    }
    // A viewer on another node whose voice is relayed here is watching there, not here.
    if (opts.role === 'viewer' && opts.source !== 'origin' && this.localViewers >= this.viewerCap) {
      throw new ServiceError('room_full', `room ${this.id} has its maximum of ${this.viewerCap} viewers`);
    }
    const id = randomUUID() as PeerId;
    const peer = new Peer({ ...opts, id, log: this.log.child({ peerId: id, role: opts.role }) });
    this.peers.set(id, peer);
    clearTimeout(this.emptyTimer);
    peer.log.info({ displayName: opts.displayName, peers: this.peers.size }, 'peer joined');
    // A camera gets the list at once; with a viewer, the list changed.
    this.rules.announceAudience();
    this.tell('peerJoined', peer);
    return peer;
  }

  peer(id: PeerId): Peer | undefined {
    return this.peers.get(id);
  }

  /**
   * The peer's connection dropped without a goodbye: keep its media for `graceMs` so it can `resume` on a
   * new connection (a Wi-Fi blip, a proxy restart); after that it leaves. Ignored if another connection
   * has taken the peer over already.
   */
  suspend(peer: Peer, owner: object, graceMs: number): void {
    if (this.peers.get(peer.id) !== peer || !peer.detach(owner)) return;
    if (graceMs <= 0) return this.leave(peer);
    peer.log.info({ graceMs }, 'peer disconnected; keeping its media for a resume');
    clearTimeout(this.graceTimers.get(peer.id));
    this.graceTimers.set(
      peer.id,
      setTimeout(() => {
        peer.log.info('peer did not come back; leaving');
        this.leave(peer);
      }, graceMs),
    );
  }

  /** The peer continues on a new connection; an older one still holding it is ended. */
  resume(peer: Peer, link: PeerLink): void {
    if (this.peers.get(peer.id) !== peer) throw notFound('peer', peer.id);
    clearTimeout(this.graceTimers.get(peer.id));
    this.graceTimers.delete(peer.id);
    const previous = peer.attach(link);
    previous?.disconnect('replaced');
    peer.log.info({ replaced: previous !== undefined }, 'peer resumed');
    this.tell('peerResumed', peer);
  }

  leave(peer: Peer): void {
    if (!this.peers.delete(peer.id)) return;
    clearTimeout(this.graceTimers.get(peer.id));
    this.graceTimers.delete(peer.id);
    peer.close();
    this.routers.release(peer.id);
    // The description belongs to the camera that gave it; the next camera announces its own.
    if (peer.role === 'camera') {
      this.streamInfo = defaultStreamInfo;
      this.tell('cameraLeft', peer);
    } else this.rules.announceAudience();
    this.tell('peerLeft', peer);
    peer.log.info({ peers: this.peers.size }, 'peer left');
    this.scheduleCloseIfEmpty();
  }

  get stream(): StreamInfo {
    return this.streamInfo;
  }

  /** The camera is there, but its picture stopped arriving (see StallWatch). */
  get cameraStalled(): boolean {
    return this.stall?.stalled ?? false;
  }

  private watchStalls(peer: Peer, producer: types.Producer): void {
    const tell = (stalled: boolean) => {
      for (const viewer of this.viewers()) viewer.notify({ event: 'cameraStalled', data: { stalled } });
    };
    const stallMs = this.opts.cameraStallMs;
    const timing = { stallMs, intervalMs: Math.min(500, Math.ceil(stallMs / 4)) };
    const watch = (this.stall = StallWatch.of(producer, timing, (stalled) => {
      const msg = stalled ? 'camera picture stalled' : 'camera picture flows again';
      peer.log.info({ producerId: producer.id }, msg);
      tell(stalled);
    }));
    producer.observer.once('close', () => {
      if (this.stall !== watch) return;
      this.stall = undefined;
      // The next camera starts unstalled; the track's end itself is told as consumerClosed.
      if (watch.stalled) tell(false);
    });
  }

  setStream(peer: Peer, info: StreamInfo): void {
    if (peer.role !== 'camera') throw new ServiceError('forbidden', 'only the camera describes the stream');
    this.streamInfo = info;
    peer.log.info(info, 'stream description set');
    for (const viewer of this.viewers()) viewer.notify({ event: 'streamChanged', data: info });
    this.tell('streamChanged', info);
  }

  get talkback(): Talkback {
    return this.rules.policy;
  }

  /** A recording of the room runs (here, or on the camera's node in a cluster): everyone sees REC. */
  get recording(): boolean {
    return this.recordingMark;
  }

  setRecording(recording: boolean): void {
    if (this.recordingMark === recording || this.closed) return;
    this.recordingMark = recording;
    this.log.info({ recording }, recording ? 'recording mark on' : 'recording mark off');
    for (const peer of this.peers.values()) peer.notify({ event: 'recordingChanged', data: { recording } });
    this.tell('recordingChanged', recording);
  }

  /** Every track `peer` may receive now. */
  producersFor(peer: Peer): ProducerInfo[] {
    return this.tracks()
      .filter(({ info }) => this.rules.mayReceive(peer, info))
      .map((t) => t.info);
  }

  private tracks(): Track[] {
    return [...this.peers.values()].flatMap((owner) =>
      owner.listProducers().map((producer) => ({ info: producerInfo(owner, producer), owner, producer })),
    );
  }

  async createTransport(peer: Peer, direction: 'send' | 'recv'): Promise<Result<'createTransport'>> {
    if (peer.transportFor(direction)) {
      throw new ServiceError('invalid_state', `peer already has a ${direction} transport`);
    }
    const { worker, router } = await this.routers.place(peer.id, peer.role);
    const transport = await router.createWebRtcTransport({
      webRtcServer: worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      appData: { direction },
    });
    if (peer.isClosed) {
      // The peer left while the transport (or its router) was being made: its leave found nothing placed
      // yet, so neither the transport nor the placement may stay behind.
      transport.close();
      this.routers.release(peer.id);
      throw new ServiceError('invalid_state', 'peer left');
    }
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        peer.log.warn({ transportId: transport.id, state }, 'transport DTLS ended; closing it');
        transport.close();
      }
    });
    peer.addTransport(transport);
    return {
      transportId: transport.id as TransportId,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A transport for RTP sent by a bridge on this host (comedia: the first packets' source is where it comes
   * from; RTCP on a port of its own, so ffmpeg's sender reports keep audio and video in sync). The camera's.
   */
  createPlainTransport(peer: Peer, ip: string): Promise<types.PlainTransport> {
    return this.localTransport(peer, (router) =>
      router.createPlainTransport({
        listenIp: { ip },
        rtcpMux: false,
        comedia: true,
        appData: { direction: 'send' },
      }),
    );
  }

  /**
   * A transport to another node of the cluster (mediasoup PipeTransport, SRTP and RTX on: the link may be a
   * lossy WAN). The camera's when the camera is on another node: this node's copy of its tracks arrives on it.
   */
  createPipeTransport(
    peer: Peer,
    listen: { ip: string; announcedIp?: string },
  ): Promise<types.PipeTransport> {
    return this.localTransport(peer, (router) =>
      router.createPipeTransport({
        listenIp: listen,
        enableSrtp: true,
        enableRtx: true,
        appData: { direction: 'send' },
      }),
    );
  }

  /** A camera's transport that is no browser's, made on its router by `make`. */
  private async localTransport<T extends LocalTransport>(
    peer: Peer,
    make: (router: types.Router) => Promise<T>,
  ): Promise<T> {
    if (peer.role !== 'camera') throw new ServiceError('forbidden', 'only a camera sends on this transport');
    const { router } = await this.routers.place(peer.id, peer.role);
    const transport = await make(router);
    if (peer.isClosed) {
      transport.close();
      throw new ServiceError('invalid_state', 'peer left');
    }
    peer.addPlainTransport(transport);
    return transport;
  }

  async connectTransport(
    peer: Peer,
    transportId: TransportId,
    dtlsParameters: DtlsParameters,
  ): Promise<void> {
    await fromMediasoup(() => peer.transport(transportId).connect({ dtlsParameters }));
  }

  async produce(
    peer: Peer,
    params: { transportId: TransportId; kind: MediaKind; rtpParameters: RtpParameters },
  ): Promise<ProducerId> {
    if (peer.role === 'viewer') {
      if (params.kind !== 'audio') throw new ServiceError('forbidden', 'viewers send only their voice');
      this.rules.require();
    }
    if (peer.listProducers().some((p) => p.kind === params.kind)) {
      throw new ServiceError('invalid_state', `already publishing ${params.kind}`);
    }
    const transport = peer.producingTransport(params.transportId);
    const producer = await fromMediasoup(() =>
      transport.produce({
        kind: params.kind,
        rtpParameters: params.rtpParameters,
        ...producerOptions(params.kind, this.opts.keyFrameMinIntervalMs),
      }),
    );
    return this.adopt(peer, producer);
  }

  /**
   * A viewer's voice that arrived on a pipe from another node (the viewer is there; `peer` stands for it
   * here): the camera hears it, and sees the viewer in its audience, as if the viewer were on this node.
   */
  adoptVoice(peer: Peer, producer: types.Producer): ProducerId {
    if (peer.role !== 'viewer' || peer.source !== 'origin' || producer.kind !== 'audio')
      throw new ServiceError('forbidden', 'only a relayed viewer voice is adopted');
    return this.adopt(peer, producer);
  }

  /** Makes `producer` the peer's track: kept, announced to whoever may receive it, followed to its end. */
  private adopt(peer: Peer, producer: types.Producer): ProducerId {
    peer.addProducer(producer);
    if (peer.role === 'camera' && producer.kind === 'video' && this.opts.cameraStallMs > 0)
      this.watchStalls(peer, producer);
    const info = producerInfo(peer, producer);
    peer.log.info(
      { ...info, codec: producer.rtpParameters.codecs[0]?.mimeType },
      `${info.source} track live`,
    );
    producer.observer.once('close', () => {
      peer.log.info(info, `${info.source} track ended`);
      // A voice that ends while its viewer stays (closed, or its transport closed) changes the camera's list.
      if (info.source === 'talkback' && !this.closed && this.peers.get(peer.id) === peer)
        this.rules.announceAudience();
    });
    this.announce(info);
    if (peer.role === 'viewer') this.rules.announceAudience();
    else this.tell('cameraTrack', producer, peer);
    return info.producerId;
  }

  /**
   * Makes a track of the room consumable on the home router, where the pipes to other nodes are (a viewer's
   * voice may be on another worker's router); returns it.
   */
  async atHome(producerId: ProducerId): Promise<types.Producer> {
    const track = this.tracks().find((t) => t.info.producerId === producerId);
    if (!track) throw notFound('producer', producerId);
    await this.routers.reach(track.producer, this.routers.placementOf(track.owner.id), this.routers.home);
    return track.producer;
  }

  /** Tells everyone who may receive the track that it exists. */
  private announce(info: ProducerInfo, to: (peer: Peer) => boolean = () => true): void {
    for (const other of this.peers.values())
      if (to(other) && this.rules.mayReceive(other, info))
        other.notify({ event: 'producerAdded', data: info });
  }

  async pauseProducer(peer: Peer, producerId: ProducerId): Promise<void> {
    await peer.producer(producerId).pause();
    if (peer.role === 'viewer') this.rules.announceAudience();
  }

  async resumeProducer(peer: Peer, producerId: ProducerId): Promise<void> {
    const producer = peer.producer(producerId);
    if (peer.role === 'viewer') this.rules.require();
    await producer.resume();
    if (peer.role === 'viewer') this.rules.announceAudience();
  }

  async setTalkback(peer: Peer, policy: Talkback): Promise<void> {
    await this.rules.set(peer, policy);
    this.tell('talkbackChanged', policy);
  }

  muteViewer(peer: Peer, viewerId: PeerId): Promise<void> {
    return this.rules.muteViewer(peer, viewerId);
  }

  setDisplayName(peer: Peer, displayName: string): void {
    peer.displayName = displayName;
    if (peer.role === 'viewer') this.rules.announceAudience();
  }

  closeProducer(peer: Peer, producerId: ProducerId): void {
    // Closing the producer closes every consumer of it; each viewer hears `consumerClosed`.
    peer.producer(producerId).close();
  }

  async consume(
    peer: Peer,
    params: { producerId: ProducerId; rtpCapabilities: RtpCapabilities },
  ): Promise<Result<'consume'>> {
    // Someone else's voice the room keeps from this peer is as unknown to it as one that never existed.
    const track = this.tracks().find((t) => t.info.producerId === params.producerId);
    if (!track || !this.rules.mayReceive(peer, track.info)) throw notFound('producer', params.producerId);
    const producer = track.producer;
    const transport = peer.transportFor('recv');
    if (!transport) throw new ServiceError('invalid_state', 'create a recv transport first');
    const here = this.routers.placementOf(peer.id);
    await fromMediasoup(() => this.routers.reach(producer, this.routers.placementOf(track.owner.id), here));
    if (!here.router.canConsume({ producerId: producer.id, rtpCapabilities: params.rtpCapabilities })) {
      throw new ServiceError('cannot_consume', `this device cannot decode this ${producer.kind} track`);
    }
    const preferredLayers = this.layered.preferredLayers(producer, peer, transport, params.rtpCapabilities);
    const consumer = await fromMediasoup(() =>
      // Paused until the client has wired the track, so the first packets are not lost before a keyframe.
      transport.consume({
        producerId: producer.id,
        rtpCapabilities: params.rtpCapabilities,
        paused: true,
        ...(preferredLayers && { preferredLayers }),
      }),
    );
    this.layered.follow(consumer, producer, peer, transport);
    const consumerId = consumer.id as ConsumerId;
    consumer.on('producerclose', () => peer.notify({ event: 'consumerClosed', data: { consumerId } }));
    peer.addConsumer(consumer);
    return {
      consumerId,
      producerId: producer.id as ProducerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
    };
  }

  /** A viewer's choice of picture, for the layered tracks it receives now and later. */
  setQuality(peer: Peer, choice: QualityChoice): Promise<Layers[]> {
    peer.quality = choice;
    return this.layered.apply(peer);
  }

  /** The layer each of a viewer's layered tracks is on now. */
  layersOf(peer: Peer): Layers[] {
    return this.layered.current(peer);
  }

  async resumeConsumer(peer: Peer, consumerId: ConsumerId): Promise<void> {
    await peer.consumer(consumerId).resume();
  }

  async restartIce(peer: Peer, transportId: TransportId): Promise<Result<'restartIce'>> {
    const iceParameters = await peer.transport(transportId).restartIce();
    peer.log.info({ transportId }, 'ICE restarted');
    return { iceParameters };
  }

  /** Removes a peer at an operator's request: it is told, its media closed, its connection ended. */
  kick(peerId: PeerId, reason: string): void {
    const peer = this.peers.get(peerId) ?? throwNotFound('peer', peerId);
    peer.log.info({ reason }, 'peer removed by operator');
    peer.notify({ event: 'kicked', data: { reason } });
    this.leave(peer);
    peer.disconnect('kicked');
  }

  peerList(): Peer[] {
    return [...this.peers.values()];
  }

  /** Idempotent. Tells every peer, closes their media and the router. */
  close(reason: string, rejoin = true): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.emptyTimer);
    for (const peer of this.peers.values()) {
      peer.notify({ event: 'roomClosed', data: { reason, rejoin } });
      peer.close();
    }
    this.peers.clear();
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
    this.routers.close();
    this.log.info({ reason }, 'room closed');
    this.tell('closed');
    this.listeners.clear();
    this.opts.onClose(this);
  }

  /** Something the camera's audience list shows changed outside the room (a viewer's gaze sharing). */
  audienceChanged(): void {
    this.rules.announceAudience();
  }

  /** The viewers connected to this node (not those on other nodes whose voice is relayed here). */
  get localViewers(): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.role === 'viewer' && p.source !== 'origin') n++;
    return n;
  }

  viewers(): Peer[] {
    return [...this.peers.values()].filter((p) => p.role === 'viewer');
  }

  private scheduleCloseIfEmpty(): void {
    if (this.closed || this.peers.size > 0 || this.holds > 0) return;
    clearTimeout(this.emptyTimer);
    this.emptyTimer = setTimeout(() => this.close('empty'), this.opts.emptyCloseMs);
  }
}
