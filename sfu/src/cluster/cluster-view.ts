// What an operator sees of the cluster from this node (GET /api/cluster): the live nodes as Redis has them,
// and this node's pipes with mediasoup's own accounts of them — the origin's transport dumps (one consumer
// per camera track, per edge) and the counters that show loss on the link and its repair.
import type { types } from 'mediasoup';
import type { ClusterView, PipedTrackInfo, ProducerId } from '../protocol/index.js';
import type { ClusterNode } from './cluster-node.js';

type Counters = Partial<Record<Exclude<keyof PipedTrackInfo, 'producerId' | 'kind'>, number>>;

/** Sums mediasoup's per-stream counters of `type` (every simulcast layer of a track). */
function sum(stats: Record<string, unknown>[], type: string, keys: (keyof Counters)[]): Counters {
  const out: Counters = {};
  for (const s of stats) {
    if (s.type !== type) continue;
    for (const k of keys) {
      const v = s[k === 'packetsSent' ? 'packetCount' : k];
      if (typeof v !== 'number') continue;
      // The round trip is the link's, the same for every stream: the largest is kept, not a sum.
      out[k] = k === 'roundTripTime' ? Math.max(out[k] ?? 0, v) : (out[k] ?? 0) + v;
    }
  }
  return out;
}

async function sent(consumer: types.Consumer): Promise<PipedTrackInfo> {
  const stats = (await consumer.getStats().catch(() => [])) as unknown as Record<string, unknown>[];
  return {
    producerId: consumer.producerId as ProducerId,
    kind: consumer.kind,
    ...sum(stats, 'outbound-rtp', ['packetsSent', 'packetsRetransmitted', 'roundTripTime']),
  };
}

async function received(producer: types.Producer, originId: ProducerId): Promise<PipedTrackInfo> {
  const stats = (await producer.getStats().catch(() => [])) as unknown as Record<string, unknown>[];
  return {
    producerId: originId,
    kind: producer.kind,
    ...sum(stats, 'inbound-rtp', ['packetsLost', 'nackCount', 'packetsRepaired']),
  };
}

async function transportBytes(t: types.Transport, key: 'bytesSent' | 'bytesReceived'): Promise<number> {
  const [stats] = (await t.getStats().catch(() => [])) as { bytesSent?: number; bytesReceived?: number }[];
  return stats?.[key] ?? 0;
}

export async function clusterView(node: ClusterNode): Promise<ClusterView> {
  const toEdges = await Promise.all(
    node.allOriginLinks().map(async (link) => {
      // mediasoup's dump, not our bookkeeping: what the worker really holds on this pipe.
      const dump = (await link.transport.dump()) as { consumerIds: string[] };
      const held = new Set(dump.consumerIds);
      const consumers = link.pipeConsumers().filter((c) => held.has(c.id));
      return {
        room: link.room,
        edge: link.edge,
        consumers: await Promise.all(consumers.map(sent)),
        bytesSent: await transportBytes(link.transport, 'bytesSent'),
      };
    }),
  );
  const fromOrigins = await Promise.all(
    node.allEdgeSources().map(async (edge) => ({
      room: edge.room,
      origin: edge.origin,
      tracks: await Promise.all(edge.pipedTracks().map(({ origin, local }) => received(local, origin))),
      bytesReceived: edge.transport ? await transportBytes(edge.transport, 'bytesReceived') : 0,
    })),
  );
  return {
    node: node.id,
    redis: node.redisConnected ? 'connected' : 'unreachable',
    nodes: [...node.nodes],
    toEdges,
    fromOrigins,
  };
}
