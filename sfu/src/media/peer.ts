// One connection's media inside a room: its transports, producers and consumers.
// A Peer never reaches its Room or socket; it only sends events through the `notify` function it was given.
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type {
  AnyEvent,
  ClientStats,
  ConsumerId,
  PeerId,
  ProducerId,
  Role,
  TransportId,
} from '../protocol/index.js';
import { throwNotFound } from '../errors.js';

export type Notify = (event: AnyEvent) => void;

export interface PeerOptions {
  id: PeerId;
  role: Role;
  displayName: string | undefined;
  /** "Quest Browser", "Chrome on Android"…, from the connection's user agent. */
  device: string;
  notify: Notify;
  /** Ends the peer's connection (after a kick); the room never touches sockets itself. */
  disconnect: () => void;
  log: FastifyBaseLogger;
}

export class Peer {
  readonly id: PeerId;
  readonly role: Role;
  readonly displayName: string | undefined;
  readonly device: string;
  readonly joinedAt = Date.now();
  readonly notify: Notify;
  readonly disconnect: () => void;
  readonly log: FastifyBaseLogger;
  /** The page's own latest measurements. */
  stats: ClientStats = {};
  private readonly transports = new Map<TransportId, types.WebRtcTransport>();
  private readonly producers = new Map<ProducerId, types.Producer>();
  private readonly consumers = new Map<ConsumerId, types.Consumer>();
  private closed = false;

  constructor(opts: PeerOptions) {
    this.id = opts.id;
    this.role = opts.role;
    this.displayName = opts.displayName;
    this.device = opts.device;
    this.notify = opts.notify;
    this.disconnect = opts.disconnect;
    this.log = opts.log;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  addTransport(transport: types.WebRtcTransport): void {
    const id = transport.id as TransportId;
    this.transports.set(id, transport);
    transport.observer.once('close', () => this.transports.delete(id));
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

  listTransports(): types.WebRtcTransport[] {
    return [...this.transports.values()];
  }

  /** Idempotent. Closing the transports closes their producers and consumers too. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.transports.values()) t.close();
  }
}
