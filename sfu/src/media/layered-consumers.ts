// The viewers' layered video tracks (a camera sending simulcast or SVC). mediasoup forwards each viewer the
// layer its bandwidth estimate allows, under a cap: the viewer's quality choice (its ceiling), lowered to
// the layers its estimate has held long enough (layer-guard.ts) — together the consumer's preferred layers.
// The camera's lowest layer is the floor of the estimate (layer-floor.ts), and every change of the layer a
// viewer receives is told to its page. One-layer tracks pass by.
import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import type { ConsumerId, Layers } from '../protocol/index.js';
import {
  ceilingFor,
  layerScales,
  layerWidths,
  producerLayers,
  type Ceiling,
  type QualityChoice,
} from './layers.js';
import { floorChanged, layerFloorBps } from './layer-floor.js';
import { layerCosts } from './layer-guard.js';
import { TransportGuards, estimatesBandwidth, type RtpFeatures } from './transport-guards.js';
import type { Peer } from './peer.js';

interface Followed {
  producer: types.Producer;
  peer: Peer;
  transport: types.Transport;
  ceiling: Ceiling;
  spatialLayers: number;
  /** The spatial layer last given to mediasoup as preferred: the ceiling, or lower when the guard says so. */
  preferred: number;
  /** Whether mediasoup estimates this viewer's bandwidth (else it has no guard: its ceiling is its cap). */
  estimated: boolean;
}

/** How often the floors follow the camera's lowest layer (its rate moves with the picture). */
const FLOOR_REFRESH_MS = 2000;

export interface LayeredConsumersOptions {
  /** The width of the camera's top layer, as its page reports it (unknown at first). */
  topWidth: () => number | undefined;
  log: FastifyBaseLogger;
}

export class LayeredConsumers {
  private readonly followed = new Map<types.Consumer, Followed>();
  /** The floor set on each viewer transport that receives a layered track. */
  private readonly floors = new Map<types.Transport, number>();
  private floorTimer: NodeJS.Timeout | undefined;
  /** The refresh under way: viewers joining meanwhile share it (one stats read of the camera, not one each). */
  private refreshing: Promise<void> | undefined;
  /** Each viewer transport's guard: after each estimate, its layered consumers' caps are looked at again. */
  private readonly guards: TransportGuards;
  /** What each of a layered camera's spatial layers costs now (refreshed with the floors). */
  private readonly costs = new Map<types.Producer, number[]>();

  constructor(private readonly opts: LayeredConsumersOptions) {
    this.guards = new TransportGuards(opts.log, (t) => this.capTransport(t));
  }

  /**
   * The preferred layers to consume `producer` with as `peer` on `transport`: its ceiling, under the
   * layers its estimate has earned (none yet: the lowest) when its device gives mediasoup an estimate at
   * all. Undefined for a one-layer track.
   */
  preferredLayers(
    producer: types.Producer,
    peer: Peer,
    transport: types.Transport,
    rtpCapabilities: RtpFeatures,
  ): Ceiling | undefined {
    if (!isLayered(producer)) return undefined;
    const { ceiling } = this.ceiling(producer, peer.quality);
    const estimated = estimatesBandwidth(rtpCapabilities);
    return { ...ceiling, spatialLayer: this.capped(ceiling, producer, transport, estimated) };
  }

  /**
   * Follows a new consumer of a layered track (on `transport`): each change of its layer is told to the
   * peer, and the transport's estimate is kept above the camera's lowest layer.
   */
  follow(consumer: types.Consumer, producer: types.Producer, peer: Peer, transport: types.Transport): void {
    if (!isLayered(producer)) return;
    const preferred = consumer.preferredLayers?.spatialLayer ?? 0;
    const estimated = estimatesBandwidth(consumer.rtpParameters);
    this.followed.set(consumer, {
      producer,
      peer,
      transport,
      preferred,
      estimated,
      ...this.ceiling(producer, peer.quality),
    });
    consumer.observer.once('close', () => this.unfollow(consumer));
    if (estimated) this.guards.add(transport, peer.id);
    this.floorTimer ??= setInterval(() => void this.refreshFloors(), FLOOR_REFRESH_MS).unref();
    void this.refreshFloors();
    consumer.on('layerschange', () => {
      const f = this.followed.get(consumer);
      if (f) peer.notify({ event: 'layersChanged', data: layersOf(consumer, f) });
    });
  }

  /** Applies the peer's choice (just changed) to each of its layered tracks; their layers now. */
  async apply(peer: Peer): Promise<Layers[]> {
    const mine = [...this.followed].filter(([, f]) => f.peer === peer);
    return Promise.all(
      mine.map(async ([consumer, f]) => {
        Object.assign(f, this.ceiling(f.producer, peer.quality));
        await this.prefer(consumer, f, true);
        return layersOf(consumer, f);
      }),
    );
  }

  /** The layer each of the peer's layered tracks is on (for the dashboard). */
  current(peer: Peer): Layers[] {
    return [...this.followed].filter(([, f]) => f.peer === peer).map(([c, f]) => layersOf(c, f));
  }

  private unfollow(consumer: types.Consumer): void {
    const f = this.followed.get(consumer);
    this.followed.delete(consumer);
    if (f && ![...this.followed.values()].some((o) => o.transport === f.transport)) {
      this.floors.delete(f.transport);
      this.guards.remove(f.transport);
      if (!f.transport.closed) f.transport.setMinOutgoingBitrate(0).catch(() => undefined);
    }
    if (f && ![...this.followed.values()].some((o) => o.producer === f.producer))
      this.costs.delete(f.producer);
    if (this.followed.size === 0) {
      clearInterval(this.floorTimer);
      this.floorTimer = undefined;
    }
  }

  /** Gives each layered consumer on `transport` its ceiling under its guard's cap, where that changed it. */
  private capTransport(transport: types.Transport): void {
    for (const [consumer, f] of this.followed)
      if (f.transport === transport) void this.prefer(consumer, f, false);
  }

  /**
   * The spatial layer to prefer: the ceiling, capped at what the estimate on `transport` has earned of
   * `producer`'s layers (none told yet: the lowest) — when there is an estimate at all.
   */
  private capped(
    ceiling: Ceiling,
    producer: types.Producer,
    transport: types.Transport,
    estimated: boolean,
  ): number {
    if (!estimated) return ceiling.spatialLayer;
    return Math.min(ceiling.spatialLayer, this.guards.cap(transport, this.costs.get(producer) ?? []));
  }

  private async prefer(consumer: types.Consumer, f: Followed, always: boolean): Promise<void> {
    const spatialLayer = this.capped(f.ceiling, f.producer, f.transport, f.estimated);
    if (!always && spatialLayer === f.preferred) return;
    if (spatialLayer !== f.preferred)
      this.opts.log.info(
        { peerId: f.peer.id, from: f.preferred, to: spatialLayer, ceiling: f.ceiling.spatialLayer },
        'viewer layer cap',
      );
    f.preferred = spatialLayer;
    await consumer
      .setPreferredLayers({ spatialLayer, temporalLayer: f.ceiling.temporalLayer })
      .catch((error: unknown) => {
        if (!consumer.closed) this.opts.log.warn({ peerId: f.peer.id, err: error }, 'layer cap refused');
      });
  }

  /** Sets each viewer transport's floor from what the camera's lowest layer sends now. */
  private refreshFloors(): Promise<void> {
    this.refreshing ??= this.setFloors().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async setFloors(): Promise<void> {
    const producers = new Set([...this.followed.values()].map((f) => f.producer));
    const floorOf = new Map<types.Producer, number | undefined>();
    await Promise.all(
      [...producers].map(async (p) => {
        const stats = await p.getStats().catch(() => []);
        floorOf.set(p, layerFloorBps(stats));
        const encodings = p.rtpParameters.encodings ?? [];
        const costs = layerCosts(encodings, producerLayers(encodings), stats);
        if (costs) this.costs.set(p, costs);
      }),
    );
    for (const transport of this.guards.transports()) this.capTransport(transport);
    // A line whose viewer the guard holds below its ceiling is probed: room for more would go unseen.
    const held = new Set(
      [...this.followed.values()].filter((f) => f.preferred < f.ceiling.spatialLayer).map((f) => f.transport),
    );
    await Promise.all([...held].map((t) => this.guards.probe(t, this.floors.get(t) ?? 0)));
    for (const f of this.followed.values()) {
      const floor = floorOf.get(f.producer);
      if (floor === undefined || f.transport.closed || !floorChanged(this.floors.get(f.transport), floor))
        continue;
      this.floors.set(f.transport, floor);
      f.transport.setMinOutgoingBitrate(floor).then(
        () => this.opts.log.debug({ peerId: f.peer.id, floorBps: floor }, 'viewer estimate floor set'),
        (error: unknown) => {
          if (!f.transport.closed)
            this.opts.log.warn({ peerId: f.peer.id, err: error }, 'estimate floor refused');
        },
      );
    }
  }

  private ceiling(producer: types.Producer, choice: QualityChoice) {
    const encodings = producer.rtpParameters.encodings ?? [];
    const count = producerLayers(encodings);
    const top = this.opts.topWidth();
    const widths = top ? layerWidths(top, layerScales(encodings, count)) : undefined;
    return {
      ceiling: ceilingFor(choice.quality, count, {
        ...(widths && { widths }),
        ...(choice.wantedWidth !== undefined && { wantedWidth: choice.wantedWidth }),
      }),
      spatialLayers: count.spatial,
    };
  }
}

/** A video track with more than one layer to choose from (simulcast or SVC). */
export function isLayered(producer: types.Producer): boolean {
  return producer.kind === 'video' && producer.type !== 'simple';
}

/** A consumer of such a track: it has a layer, and switches between them. */
export function isLayeredConsumer(consumer: types.Consumer): boolean {
  return consumer.type === 'simulcast' || consumer.type === 'svc';
}

function layersOf(consumer: types.Consumer, f: Followed): Layers {
  const now = consumer.currentLayers;
  return {
    consumerId: consumer.id as ConsumerId,
    spatialLayer: now?.spatialLayer ?? null,
    temporalLayer: now?.temporalLayer ?? null,
    spatialLayers: f.spatialLayers,
    ceiling: f.ceiling.spatialLayer,
  };
}
