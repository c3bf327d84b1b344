// The viewers' layered video tracks (a camera sending simulcast or SVC). mediasoup forwards each viewer the
// layer its bandwidth estimate allows; the viewer's quality choice sets the ceiling (the consumer's preferred
// layers), and every change of the layer a viewer receives is told to its page. One-layer tracks pass by.
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
import type { Peer } from './peer.js';

interface Followed {
  producer: types.Producer;
  peer: Peer;
  ceiling: Ceiling;
  spatialLayers: number;
}

export class LayeredConsumers {
  private readonly followed = new Map<types.Consumer, Followed>();

  /** `topWidth`: the width of the camera's top layer, as its page reports it (unknown at first). */
  constructor(private readonly topWidth: () => number | undefined) {}

  /** The preferred layers to consume `producer` with as `peer`; undefined for a one-layer track. */
  preferredLayers(producer: types.Producer, peer: Peer): Ceiling | undefined {
    return isLayered(producer) ? this.ceiling(producer, peer.quality).ceiling : undefined;
  }

  /** Follows a new consumer of a layered track: each change of its layer is told to the peer. */
  follow(consumer: types.Consumer, producer: types.Producer, peer: Peer): void {
    if (!isLayered(producer)) return;
    this.followed.set(consumer, { producer, peer, ...this.ceiling(producer, peer.quality) });
    consumer.observer.once('close', () => this.followed.delete(consumer));
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
        await consumer.setPreferredLayers(f.ceiling);
        return layersOf(consumer, f);
      }),
    );
  }

  /** The layer each of the peer's layered tracks is on (for the dashboard). */
  current(peer: Peer): Layers[] {
    return [...this.followed].filter(([, f]) => f.peer === peer).map(([c, f]) => layersOf(c, f));
  }

  private ceiling(producer: types.Producer, choice: QualityChoice) {
    const encodings = producer.rtpParameters.encodings ?? [];
    const count = producerLayers(encodings);
    const top = this.topWidth();
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
