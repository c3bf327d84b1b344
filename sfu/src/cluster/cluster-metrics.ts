// A cluster node's part of /metrics: whether Redis answers, how many nodes it sees, and its pipes — links to
// edges and from the origin, the bytes each way, and on the receiving end the loss and its repair (RTX).
// Read from the live objects at scrape time, like the rest of observe/metrics.ts.
import client from 'prom-client';
import type { ClusterNode } from './cluster-node.js';
import { clusterView } from './cluster-view.js';

export function registerClusterMetrics(registry: client.Registry, node: ClusterNode): void {
  new client.Gauge({
    name: 'inclubit_cluster_redis_up',
    help: 'Whether this node is connected to the cluster Redis (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(node.redisConnected ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'inclubit_cluster_nodes',
    help: 'Live nodes of the cluster as this node last saw them (itself included)',
    registers: [registry],
    collect() {
      this.set(node.nodes.length);
    },
  });
  new client.Gauge({
    name: 'inclubit_pipes',
    help: 'Pipes between nodes: to edges (this node has the camera) and from the origin',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      this.set({ direction: 'to_edge' }, node.allOriginLinks().length);
      this.set({ direction: 'from_origin' }, node.allEdgeSources().length);
    },
  });
  new client.Gauge({
    name: 'inclubit_pipe_bytes',
    help: 'Bytes sent on pipes to edges (out) and received on pipes from origins (in)',
    labelNames: ['direction'],
    registers: [registry],
    async collect() {
      const view = await clusterView(node);
      this.set(
        { direction: 'out' },
        view.toEdges.reduce((n, l) => n + l.bytesSent, 0),
      );
      this.set(
        { direction: 'in' },
        view.fromOrigins.reduce((n, l) => n + l.bytesReceived, 0),
      );
    },
  });
  new client.Gauge({
    name: 'inclubit_pipe_packets',
    help: 'Packets of the tracks piped in from origins: lost on the way and repaired by retransmission',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const tracks = (await clusterView(node)).fromOrigins.flatMap((l) => l.tracks);
      this.set(
        { state: 'lost' },
        tracks.reduce((n, t) => n + (t.packetsLost ?? 0), 0),
      );
      this.set(
        { state: 'repaired' },
        tracks.reduce((n, t) => n + (t.packetsRepaired ?? 0), 0),
      );
    },
  });
}
