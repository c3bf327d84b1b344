// The origin's end of one room's pipe to one edge node: a PipeTransport on the room's home router (SRTP and
// RTX on), and one pipe consumer per camera track, however many viewers the edge serves. It follows the
// camera: a new track is piped and announced, a pause/resume/close is told, a new description is passed on.
// Keyframe requests need no message: the edge's PipeProducer sends them as RTCP over the pipe itself.
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type { Room } from '../media/room.js';
import type { RoomPresence } from '../presence/room-presence.js';
import type { CueId, Direction, ProducerId, RoomId } from '../protocol/index.js';
import type { Bus, Outgoing } from './bus.js';
import { RelayedViewers } from './relayed-viewers.js';
import type { NodeId, OriginToEdge, PipeEnd, PipedTrack, SrtpParameters } from './messages.js';

type OriginMessage = Outgoing<OriginToEdge>;

export interface OriginLinkOptions {
  room: Room;
  presence: RoomPresence;
  edge: NodeId;
  bus: Bus;
  listen: { ip: string; announcedIp?: string };
  log: FastifyBaseLogger;
  onClose: (link: OriginLink) => void;
}

export class OriginLink {
  private readonly consumers = new Map<ProducerId, types.Consumer>();
  private readonly unwatch: () => void;
  /** The edge's viewers, standing in this room (the camera lists them and hears them speak). */
  readonly viewers: RelayedViewers;
  /** Operators on the edge follow the room's presence: this link is one more watcher here. */
  private stopPresence: (() => void) | undefined;
  private closed = false;

  private constructor(
    private readonly opts: OriginLinkOptions,
    readonly transport: types.PipeTransport,
  ) {
    const { room } = opts;
    this.unwatch = room.watch({
      cameraTrack: (producer) =>
        void this.pipe(producer).then(
          (track) => track && this.send({ type: 'pipeTrackAdded', room: room.id, track }),
          (error: unknown) => opts.log.warn({ err: error, edge: opts.edge }, 'could not pipe a new track'),
        ),
      streamChanged: (stream) => void this.send({ type: 'pipeStream', room: room.id, stream }),
      talkbackChanged: (talkback) => void this.send({ type: 'pipeTalkback', room: room.id, talkback }),
      recordingChanged: (recording) => void this.send({ type: 'pipeRecording', room: room.id, recording }),
      closed: () => this.close('the room closed on its origin node'),
    });
    transport.observer.once('close', () => this.close('pipe transport closed'));
    this.viewers = new RelayedViewers({
      room,
      edge: opts.edge,
      transport,
      muted: (peerId) => void this.send({ type: 'pipeVoiceMuted', room: room.id, peerId }),
      kicked: (peerId, reason) => void this.send({ type: 'pipeViewerKick', room: room.id, peerId, reason }),
      presence: opts.presence,
      cue: (peerIds, cue) => void this.send({ type: 'pipeLookHere', room: room.id, peerIds, cue }),
    });
  }

  /** Opens the pipe towards `edgeEnd`; returns the link and this end, with the camera's tracks piped. */
  static async open(
    opts: OriginLinkOptions,
    edgeEnd: PipeEnd,
  ): Promise<{ link: OriginLink; end: PipeEnd; tracks: PipedTrack[] }> {
    const transport = await opts.room.home.router.createPipeTransport({
      listenIp: opts.listen,
      enableSrtp: true,
      enableRtx: true,
      appData: { edge: opts.edge },
    });
    const link = new OriginLink(opts, transport);
    try {
      await transport.connect({ ip: edgeEnd.ip, port: edgeEnd.port, srtpParameters: edgeEnd.srtp });
      const producers = opts.room.camera?.listProducers() ?? [];
      const tracks = (await Promise.all(producers.map((p) => link.pipe(p)))).filter((t) => t !== undefined);
      const end = {
        ip: opts.listen.announcedIp ?? opts.listen.ip,
        port: transport.tuple.localPort,
        srtp: transport.srtpParameters as SrtpParameters,
      };
      opts.log.info({ edge: opts.edge, port: end.port, tracks: tracks.length }, 'pipe to edge node opened');
      return { link, end, tracks };
    } catch (error) {
      link.close('opening failed');
      throw error;
    }
  }

  get edge(): NodeId {
    return this.opts.edge;
  }

  get room(): RoomId {
    return this.opts.room.id;
  }

  /** Operators on the edge follow the room's presence (or no longer do): they get what operators here get. */
  watchPresence(on: boolean): void {
    this.stopPresence?.();
    this.stopPresence = undefined;
    if (!on || this.closed) return;
    const { room, presence } = this.opts;
    this.stopPresence = presence.watch((event) => {
      if (event.event === 'cue') void this.send({ type: 'pipePresence', room: room.id, cue: event.data });
      if (event.event !== 'gaze') return;
      // Names of the viewers in the batch: the edge knows only its own.
      const names: Record<string, string> = {};
      for (const { peerId, gaze } of event.data.viewers) {
        const name = gaze && room.peer(peerId)?.displayName;
        if (name) names[peerId] = name;
      }
      void this.send({ type: 'pipePresence', room: room.id, gaze: { ...event.data, names } });
    });
  }

  /** Whether the edge is sent the room's presence now. */
  get feedsPresence(): boolean {
    return this.stopPresence !== undefined;
  }

  /** An operator on the edge says "look here": a cue for the whole room, made and counted here. */
  look(direction: Direction, cueId: CueId): Promise<CueId> {
    return this.opts.presence.look(direction, cueId);
  }

  /** The pipe consumers (one per camera track): what tests and the dashboard count. */
  pipeConsumers(): types.Consumer[] {
    return [...this.consumers.values()];
  }

  /** Idempotent: closes the transport (and its consumers); the edge is told unless it asked. */
  close(reason: string, tellEdge = true): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    this.stopPresence?.();
    this.viewers.endAll();
    this.transport.close();
    if (tellEdge) void this.send({ type: 'pipeClose', room: this.opts.room.id, reason });
    this.opts.log.info({ edge: this.opts.edge, reason }, 'pipe to edge node closed');
    this.opts.onClose(this);
  }

  private async pipe(producer: types.Producer): Promise<PipedTrack | undefined> {
    if (this.closed || producer.closed) return undefined;
    const producerId = producer.id as ProducerId;
    if (this.consumers.has(producerId)) return undefined;
    const consumer = await this.transport.consume({ producerId });
    this.consumers.set(producerId, consumer);
    consumer.observer.once('close', () => this.consumers.delete(producerId));
    const room = this.opts.room.id;
    const state = (state: 'paused' | 'resumed' | 'closed') => () =>
      void this.send({ type: 'pipeTrackState', room, producerId, state });
    consumer.on('producerpause', state('paused'));
    consumer.on('producerresume', state('resumed'));
    consumer.on('producerclose', state('closed'));
    return {
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
    };
  }

  private send(message: OriginMessage): Promise<boolean> {
    return this.opts.bus.send(this.opts.edge, message);
  }
}
