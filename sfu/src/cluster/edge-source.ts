// An edge node's copy of a room's camera: the room's source when the camera is on another node (the origin).
// It joins the local room as its camera (source "origin"), opens a PipeTransport on the room's home router,
// asks the origin for the other end, and produces each camera track it is told of — once per room on this
// node, whatever the number of local viewers; they consume it as they would a camera here. It ends when the
// room has had no viewers for `idleMs`, when the origin closes the pipe or goes away, or when a camera joins
// here; ending closes the pipe on both sides. As the room's camera here it also gets the room's presence
// batches, which EdgePresence passes on to the origin; operators here watch the origin's picture through it.
import type { types } from 'mediasoup';
import type { Peer } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { RoomPresence } from '../presence/room-presence.js';
import { EdgePresence } from './edge-presence.js';
import type {
  AnyEvent,
  AudienceMember,
  PeerId,
  ProducerId,
  RoomId,
  StreamInfo,
  TransportId,
} from '../protocol/index.js';
import type { Bus } from './bus.js';
import type { BusMessageOf, NodeId, OriginToEdge, PipedTrack, SrtpParameters } from './messages.js';

export interface EdgeSourceOptions {
  room: Room;
  /** The room's presence relay on this node. */
  presence: RoomPresence;
  origin: NodeId;
  bus: Bus;
  listen: { ip: string; announcedIp?: string };
  /** With no viewer left in the room this long, the pipe closes. */
  idleMs: number;
  /** A pipe no viewer ever came to closes after this. */
  unusedMs: number;
  onEnd: (source: EdgeSource) => void;
}

export class EdgeSource {
  readonly peer: Peer;
  private pipe: types.PipeTransport | undefined;
  /** The origin's producer id → this node's producer of the same track. */
  private readonly tracks = new Map<ProducerId, ProducerId>();
  private idleTimer: NodeJS.Timeout | undefined;
  private watched = false;
  private connected = false;
  /** The room's viewers as last told, and what the origin has been told of each (name, voice). */
  private audience: AudienceMember[] = [];
  private readonly relayed = new Map<
    PeerId,
    { displayName: string | undefined; voice?: { producerId: ProducerId; consumer: types.Consumer } }
  >();
  /** Where the viewers here look, and the origin's cues, across the pipe. */
  private readonly presence: EdgePresence;
  private ended = false;
  /** Track changes that arrive while the pipe is opening wait for it. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: EdgeSourceOptions) {
    this.presence = new EdgePresence({ ...opts, known: (peerId) => this.relayed.has(peerId) });
    this.peer = opts.room.join({
      role: 'camera',
      source: 'origin',
      displayName: undefined,
      device: `node ${opts.origin}`,
      link: {
        owner: this,
        notify: (event) => this.heard(event),
        disconnect: (reason) => this.end(`removed: ${reason}`),
      },
    });
    if (!this.watched) this.idleTimer = setTimeout(() => this.end('no viewer came'), opts.unusedMs);
  }

  /** Joins the room as its camera and opens the pipe from the origin; the tracks follow. */
  static async open(opts: EdgeSourceOptions): Promise<EdgeSource> {
    const source = new EdgeSource(opts);
    source.queue = source.connect();
    try {
      await source.queue;
    } catch (error) {
      source.end(`opening failed: ${(error as Error).message}`);
      throw error;
    }
    return source;
  }

  get origin(): NodeId {
    return this.opts.origin;
  }

  get room(): RoomId {
    return this.opts.room.id;
  }

  /** The pipe's transport on this node, once made. */
  get transport(): types.PipeTransport | undefined {
    return this.pipe;
  }

  /** Each piped track: the origin's producer id and this node's producer of it. */
  pipedTracks(): { origin: ProducerId; local: types.Producer }[] {
    const mine = new Map(this.peer.listProducers().map((p) => [p.id, p]));
    return [...this.tracks].flatMap(([origin, local]) => {
      const producer = mine.get(local);
      return producer ? [{ origin, local: producer }] : [];
    });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get log() {
    return this.peer.log;
  }

  /** A message from the origin about this room's pipe. */
  handle(message: BusMessageOf<OriginToEdge>): void {
    if (message.from !== this.opts.origin) return;
    this.enqueue(`pipe message ${message.type}`, async () => {
      switch (message.type) {
        case 'pipeTrackAdded':
          return this.produce(message.track);
        case 'pipeTrackState':
          return this.trackState(message.producerId, message.state);
        case 'pipeStream':
          return this.describe(message.stream);
        case 'pipeTalkback':
          return this.opts.room.setTalkback(this.peer, message.talkback);
        case 'pipeRecording':
          return this.opts.room.setRecording(message.recording);
        case 'pipeVoiceMuted':
          return this.opts.room.muteViewer(this.peer, message.peerId);
        case 'pipeViewerKick':
          return this.opts.room.kick(message.peerId, message.reason);
        case 'pipeLookHere':
          return this.presence.lookHere(message);
        case 'pipePresence':
          return this.presence.fromOrigin(message);
        case 'pipeClose':
          return this.end(`origin closed the pipe: ${message.reason}`, false);
      }
    });
  }

  /**
   * Runs `step` after what is queued (one change at a time, in the order the origin sent them); a step that
   * fails is logged and the next ones still run.
   */
  private enqueue(what: string, step: () => Promise<void> | void): void {
    this.queue = this.queue
      .catch(() => undefined)
      .then(() => (this.ended ? undefined : step()))
      .catch((error: unknown) => this.log.warn({ err: error }, `${what} failed`));
  }

  /** Idempotent. Leaves the room (closing the pipe transport and its producers) and tells the origin. */
  end(reason: string, tellOrigin = true): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idleTimer);
    this.opts.presence.unfollow(this.presence);
    this.log.info({ origin: this.opts.origin, reason }, 'pipe from origin node closed');
    // What the origin records is told again by the next pipe; a dead origin records nothing.
    this.opts.room.setRecording(false);
    this.opts.room.leave(this.peer);
    if (tellOrigin)
      void this.opts.bus.send(this.opts.origin, { type: 'pipeClose', room: this.opts.room.id, reason });
    this.opts.onEnd(this);
  }

  private async connect(): Promise<void> {
    const { room, bus, listen } = this.opts;
    const transport = (this.pipe = await room.createPipeTransport(this.peer, listen));
    const answer = await bus.request(this.opts.origin, {
      type: 'pipeOpen',
      room: room.id,
      end: {
        ip: listen.announcedIp ?? listen.ip,
        port: transport.tuple.localPort,
        srtp: transport.srtpParameters as SrtpParameters,
      },
    });
    if (!answer.result.ok) throw new Error(answer.result.reason);
    const { end, stream, talkback, recording, maxViewers, tracks } = answer.result;
    await transport.connect({ ip: end.ip, port: end.port, srtpParameters: end.srtp });
    this.log.info(
      { origin: this.opts.origin, port: transport.tuple.localPort, tracks: tracks.length },
      'pipe from origin node opened',
    );
    this.describe(stream);
    await this.opts.room.setTalkback(this.peer, talkback);
    this.opts.room.setRecording(recording);
    this.opts.room.maxViewers = maxViewers;
    for (const track of tracks) await this.produce(track);
    this.connected = true;
    this.enqueue('relaying the viewers', () => this.relayViewers());
    this.enqueue('relaying where they look', () => this.presence.relay());
    // Operators here watch the whole room as the origin sees it.
    this.opts.presence.follow(this.presence);
  }

  private async produce(track: PipedTrack): Promise<void> {
    if (!this.pipe || this.tracks.has(track.producerId)) return;
    const local = await this.opts.room.produce(this.peer, {
      transportId: this.pipe.id as TransportId,
      kind: track.kind,
      rtpParameters: track.rtpParameters,
    });
    this.tracks.set(track.producerId, local);
    if (track.paused) await this.opts.room.pauseProducer(this.peer, local);
  }

  private async trackState(origin: ProducerId, state: 'paused' | 'resumed' | 'closed'): Promise<void> {
    const local = this.tracks.get(origin);
    if (!local) return;
    if (state === 'closed') {
      this.tracks.delete(origin);
      this.opts.room.closeProducer(this.peer, local);
    } else if (state === 'paused') await this.opts.room.pauseProducer(this.peer, local);
    else await this.opts.room.resumeProducer(this.peer, local);
  }

  /**
   * The origin's camera lists every viewer, wherever it watches: each viewer here is reported to the origin
   * (again when its name changes), and its voice, when it speaks, piped there once; pause, resume and end of
   * a voice follow from its pipe consumer. A viewer that left is reported too.
   */
  private async relayViewers(): Promise<void> {
    const pipe = this.pipe;
    // Not before the origin has its end of the pipe: a report sent earlier would find no link there.
    if (!pipe || !this.connected || this.ended) return;
    const { room, bus, origin } = this.opts;
    const present = new Set<PeerId>();
    for (const viewer of this.audience) {
      present.add(viewer.peerId);
      const known = this.relayed.get(viewer.peerId);
      const newVoice = viewer.producerId !== undefined && known?.voice?.producerId !== viewer.producerId;
      if (known && known.displayName === viewer.displayName && !newVoice) continue;
      const entry = { displayName: viewer.displayName, voice: known?.voice };
      if (newVoice && viewer.producerId) entry.voice = await this.pipeVoice(pipe, viewer.producerId);
      this.relayed.set(viewer.peerId, entry);
      await bus.send(origin, {
        type: 'pipeViewer',
        room: room.id,
        peerId: viewer.peerId,
        page: room.peer(viewer.peerId)?.page ?? false,
        ...(viewer.displayName !== undefined && { displayName: viewer.displayName }),
        ...(entry.voice && {
          voice: {
            producerId: entry.voice.producerId,
            kind: 'audio' as const,
            rtpParameters: entry.voice.consumer.rtpParameters,
            paused: entry.voice.consumer.producerPaused,
          },
        }),
      });
    }
    for (const peerId of [...this.relayed.keys()]) {
      if (present.has(peerId)) continue;
      this.relayed.delete(peerId);
      await bus.send(origin, { type: 'pipeViewerLeft', room: room.id, peerId });
    }
    if (this.presence.pending) this.enqueue('relaying where they look', () => this.presence.relay());
  }

  /** Pipes a viewer's voice to the origin (once); its pause, resume and end are told as they happen. */
  private async pipeVoice(
    pipe: types.PipeTransport,
    producerId: ProducerId,
  ): Promise<{ producerId: ProducerId; consumer: types.Consumer }> {
    const { room, bus, origin } = this.opts;
    await room.atHome(producerId);
    const consumer = await pipe.consume({ producerId });
    const state = (state: 'paused' | 'resumed' | 'closed') => () =>
      void bus.send(origin, { type: 'pipeTrackState', room: room.id, producerId, state });
    consumer.on('producerpause', state('paused'));
    consumer.on('producerresume', state('resumed'));
    consumer.on('producerclose', state('closed'));
    return { producerId, consumer };
  }

  private describe(stream: StreamInfo): void {
    this.opts.room.setStream(this.peer, stream);
  }

  /** What the room tells its camera: whether anyone still watches, and who speaks. */
  private heard(event: AnyEvent): void {
    if (this.ended) return;
    if (event.event === 'gaze') {
      this.presence.heard(event.data);
      // After the viewers' own reports in the queue: the origin knows a viewer before where it looks.
      if (this.connected) this.enqueue('relaying where they look', () => this.presence.relay());
      return;
    }
    if (event.event !== 'audience') return;
    this.audience = event.data.viewers;
    if (this.pipe) this.enqueue('relaying the viewers', () => this.relayViewers());
    const watching = event.data.viewers.length > 0;
    if (!watching && !this.watched) return; // not yet: the unused-pipe timer runs
    this.watched = true;
    clearTimeout(this.idleTimer);
    if (!watching)
      this.idleTimer = setTimeout(() => this.end('no viewers left on this node'), this.opts.idleMs);
  }
}
