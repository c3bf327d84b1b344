// One connection's media inside a room: its transports, producers and consumers.
// A Peer never reaches its Room or socket; it only sends events through the `notify` function it was given.
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type {
  AnyEvent,
  ClientStats,
  ConsumerId,
  PeerId,
  ProducerId,
  Role,
  SourceKind,
  TransportId,
} from '../protocol/index.js';
import { throwNotFound } from '../errors.js';
import type { QualityChoice } from './layers.js';

export type Notify = (event: AnyEvent) => void;
/** A transport that is not a browser's: a local bridge's plain RTP, or a pipe from another node. */
export type LocalTransport = types.PlainTransport | types.PipeTransport;
export type DisconnectReason = 'kicked' | 'replaced';

/** The connection a peer is reached through; it changes when the peer resumes on a new connection. */
export interface PeerLink {
  /** Whoever holds the link (a signaling session); only the holder can let go of it. */
  owner: object;
  notify: Notify;
  /** Ends the connection; the room never touches sockets itself. */
  disconnect: (reason: DisconnectReason) => void;
}

export interface PeerOptions {
  id: PeerId;
  role: Role;
  displayName: string | undefined;
  /** "Quest Browser", "Chrome on Android"…, from the connection's user agent. */
  device: string;
  /** How a camera arrives (a browser page unless an ingest made the peer). */
  source?: SourceKind;
  /** A page on a signaling connection (not an HTTP session's or a bridge's peer): it takes events. */
  page?: boolean;
  link: PeerLink;
  log: FastifyBaseLogger;
}

export class Peer {
  readonly id: PeerId;
  readonly role: Role;
  displayName: string | undefined;
  readonly device: string;
  readonly source: SourceKind;
  readonly page: boolean;
  readonly joinedAt = Date.now();
  readonly log: FastifyBaseLogger;
  /** Shown only to this peer's client: proves it is this peer when it resumes on a new connection. */
  readonly resumeToken = randomBytes(24).toString('base64url');
  private link: PeerLink | undefined;
  /** The page's own latest measurements. */
  stats: ClientStats = {};
  /** A viewer page that shares where it looks (its gaze itself is the presence relay's, never kept here). */
  sharesGaze = false;
  /** An RTMP/SRT camera whose picture the server re-encodes (shown on the dashboard). */
  reencoded: boolean | undefined;
  /** The picture a viewer asked for (kept across its tracks and the camera's comings and goings). */
  quality: QualityChoice = { quality: 'auto' };
  private readonly transports = new Map<TransportId, types.WebRtcTransport>();
  /**
   * RTP from a local bridge (an RTMP or SRT ingest's ffmpeg) or a pipe from another node: no ICE, no DTLS,
   * never a page's.
   */
  private readonly plainTransports = new Map<TransportId, LocalTransport>();
  private readonly producers = new Map<ProducerId, types.Producer>();
  private readonly consumers = new Map<ConsumerId, types.Consumer>();
  private closed = false;

  constructor(opts: PeerOptions) {
    this.id = opts.id;
    this.role = opts.role;
    this.displayName = opts.displayName;
    this.device = opts.device;
    this.source = opts.source ?? 'browser';
    this.page = opts.page ?? false;
    this.link = opts.link;
    this.log = opts.log;
  }

  /** Sends an event to the peer's connection. While it has none (dropped, not yet resumed) the event is
   * dropped: `resume` hands the client the room as it is now instead. */
  notify(event: AnyEvent): void {
    this.link?.notify(event);
  }

  disconnect(reason: DisconnectReason): void {
    this.link?.disconnect(reason);
  }

  isLinkedTo(owner: object): boolean {
    return this.link?.owner === owner;
  }

  /** Moves the peer to a new connection; returns the one it had, if any, for the caller to end. */
  attach(link: PeerLink): PeerLink | undefined {
    const previous = this.link;
    this.link = link;
    return previous;
  }

  /** Lets go of the connection if `owner` holds it; false when someone else already took the peer over. */
  detach(owner: object): boolean {
    if (this.link?.owner !== owner) return false;
    this.link = undefined;
    return true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  addTransport(transport: types.WebRtcTransport): void {
    const id = transport.id as TransportId;
    this.transports.set(id, transport);
    transport.observer.once('close', () => this.transports.delete(id));
  }

  addPlainTransport(transport: LocalTransport): void {
    const id = transport.id as TransportId;
    this.plainTransports.set(id, transport);
    (transport as types.Transport).observer.once('close', () => this.plainTransports.delete(id));
  }

  /** A transport of either kind, to produce on. */
  producingTransport(id: TransportId): types.WebRtcTransport | LocalTransport {
    return this.transports.get(id) ?? this.plainTransports.get(id) ?? throwNotFound('transport', id);
  }

  addProducer(producer: types.Producer): void {
    const id = producer.id as ProducerId;
    this.producers.set(id, producer);
    producer.observer.once('close', () => this.producers.delete(id));
  }

  addConsumer(consumer: types.Consumer): void {
    const id = consumer.id as ConsumerId;
    this.consumers.set(id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(id));
  }

  transport(id: TransportId): types.WebRtcTransport {
    return this.transports.get(id) ?? throwNotFound('transport', id);
  }

  producer(id: ProducerId): types.Producer {
    return this.producers.get(id) ?? throwNotFound('producer', id);
  }

  consumer(id: ConsumerId): types.Consumer {
    return this.consumers.get(id) ?? throwNotFound('consumer', id);
  }

  /** The peer's receive transport (viewers consume on it); at most one is kept per direction. */
  transportFor(direction: 'send' | 'recv'): types.WebRtcTransport | undefined {
    for (const t of this.transports.values()) if (t.appData.direction === direction) return t;
    return undefined;
  }

  listProducers(): types.Producer[] {
    return [...this.producers.values()];
  }

  listConsumers(): types.Consumer[] {
    return [...this.consumers.values()];
  }

  listTransports(): (types.WebRtcTransport | LocalTransport)[] {
    return [...this.transports.values(), ...this.plainTransports.values()];
  }

  /**
   * Idempotent. Closing the transports closes their producers and consumers too; a producer the peer holds
   * on a transport that is not its own (a voice relayed from another node) is closed by itself.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.listTransports()) t.close();
    for (const p of this.listProducers()) p.close();
  }
}
