// Prometheus metrics, read from the live objects at scrape time (no bookkeeping that can drift from them),
// plus counters for events: signaling errors by code and every consumer score mediasoup reports.
import client from 'prom-client';
import type { types } from 'mediasoup';
import type { ErrorCode } from '../protocol/index.js';
import { dumpRoom, type RouterObjects } from './room-summary.js';
import { isLayeredConsumer } from '../media/layered-consumers.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { WorkerPool } from '../media/worker-pool.js';

export class Metrics {
  readonly registry = new client.Registry();
  private readonly signalingErrors: client.Counter<'code'>;
  private readonly peerSessions: client.Counter<'kind'>;
  private readonly iceRestarts: client.Counter;
  private readonly consumerScore: client.Histogram;

  constructor(pool: WorkerPool, rooms: RoomRegistry) {
    const registry = this.registry;
    client.collectDefaultMetrics({ register: registry, prefix: 'inclubit_process_' });
    const peers = () => rooms.list().flatMap((r) => r.peerList());

    new client.Gauge({
      name: 'inclubit_rooms',
      help: 'Open rooms',
      registers: [registry],
      collect() {
        this.set(rooms.list().length);
      },
    });
    new client.Gauge({
      name: 'inclubit_peers',
      help: 'Peers in rooms, by role',
      labelNames: ['role'],
      registers: [registry],
      collect() {
        const all = peers();
        for (const role of ['camera', 'viewer'] as const)
          this.set({ role }, all.filter((p) => p.role === role).length);
      },
    });
    new client.Gauge({
      name: 'inclubit_producers',
      help: 'Live producers (camera tracks)',
      registers: [registry],
      collect() {
        this.set(peers().reduce((n, p) => n + p.listProducers().length, 0));
      },
    });
    new client.Gauge({
      name: 'inclubit_consumers',
      help: 'Consumers (tracks forwarded to viewers)',
      registers: [registry],
      collect() {
        this.set(peers().reduce((n, p) => n + p.listConsumers().length, 0));
      },
    });
    new client.Gauge({
      name: 'inclubit_transport_bytes',
      help: 'Bytes received (in) and sent (out) by the open WebRTC transports',
      labelNames: ['direction'],
      registers: [registry],
      async collect() {
        let bytesIn = 0;
        let bytesOut = 0;
        for (const t of peers().flatMap((p) => p.listTransports())) {
          for (const s of await t.getStats()) {
            bytesIn += s.bytesReceived;
            bytesOut += s.bytesSent;
          }
        }
        this.set({ direction: 'in' }, bytesIn);
        this.set({ direction: 'out' }, bytesOut);
      },
    });
    new client.Gauge({
      name: 'inclubit_router_objects',
      help: "Transports, producers and consumers in mediasoup's own router dumps (a leak shows here first)",
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        // A room closing meanwhile has no dump: it simply counts nothing.
        const dumps = await Promise.all(rooms.list().map((r) => dumpRoom(r).catch(() => undefined)));
        const count = (pick: (d: RouterObjects) => string[]) =>
          dumps.reduce((n, d) => n + (d ? pick(d).length : 0), 0);
        this.set(
          { kind: 'transports' },
          count((d) => d.transportIds),
        );
        this.set(
          { kind: 'producers' },
          count((d) => d.producerIds),
        );
        this.set(
          { kind: 'consumers' },
          count((d) => d.consumerIds),
        );
      },
    });
    new client.Gauge({
      name: 'inclubit_viewers_by_layer',
      help: 'Video tracks forwarded from layered cameras (simulcast, SVC), by the spatial layer sent now (0 = lowest)',
      labelNames: ['spatial'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of peers().flatMap((p) => p.listConsumers())) {
          const layer = isLayeredConsumer(c) ? c.currentLayers?.spatialLayer : undefined;
          if (layer !== undefined) this.inc({ spatial: String(layer) });
        }
      },
    });
    new client.Gauge({
      name: 'inclubit_worker_cpu_seconds',
      help: 'CPU time used by each mediasoup worker (user + system)',
      labelNames: ['worker'],
      registers: [registry],
      async collect() {
        for (const w of pool.all()) {
          const u = await w.worker.getResourceUsage();
          this.set({ worker: String(w.index) }, (u.ru_utime + u.ru_stime) / 1000);
        }
      },
    });
    new client.Gauge({
      name: 'inclubit_worker_max_rss_bytes',
      help: 'Peak resident memory of each mediasoup worker',
      labelNames: ['worker'],
      registers: [registry],
      async collect() {
        for (const w of pool.all())
          this.set({ worker: String(w.index) }, (await w.worker.getResourceUsage()).ru_maxrss * 1024);
      },
    });
    this.signalingErrors = new client.Counter({
      name: 'inclubit_signaling_errors_total',
      help: 'Signaling messages answered with an error, by error code',
      labelNames: ['code'],
      registers: [registry],
    });
    this.peerSessions = new client.Counter({
      name: 'inclubit_peer_sessions_total',
      help: 'Peers that joined afresh (join) or came back on a new connection as themselves (resume)',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.iceRestarts = new client.Counter({
      name: 'inclubit_ice_restarts_total',
      help: 'Transports given new ICE parameters after their network path broke (restartIce)',
      registers: [registry],
    });
    const keyFrameRequests = new client.Counter({
      name: 'inclubit_keyframe_requests_total',
      help: 'Keyframe requests (PLI, FIR) sent to cameras',
      registers: [registry],
    });
    const workerRestarts = new client.Counter({
      name: 'inclubit_worker_restarts_total',
      help: 'mediasoup workers that died and were replaced',
      registers: [registry],
    });
    pool.on('respawned', () => workerRestarts.inc());
    const layerSwitches = new client.Counter({
      name: 'inclubit_layer_switches_total',
      help: 'Changes of the layer a viewer receives from a layered camera (its bandwidth, or its choice)',
      registers: [registry],
    });
    this.consumerScore = new client.Histogram({
      name: 'inclubit_consumer_score',
      help: "mediasoup's 0-10 score of what each consumer sends, every time it changes",
      buckets: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      registers: [registry],
    });
    // Every consumer and video producer of every worker, seen through mediasoup's observers: no hook in the
    // room code. A producer's outgoing PLI/FIR trace is a keyframe request that reached the camera.
    const watch = (w: { worker: types.Worker }) =>
      w.worker.observer.on('newrouter', (router) =>
        router.observer.on('newtransport', (transport) => {
          transport.observer.on('newconsumer', (consumer) => {
            consumer.observer.on('score', (score) => this.consumerScore.observe(score.score));
            if (isLayeredConsumer(consumer)) consumer.observer.on('layerschange', () => layerSwitches.inc());
          });
          transport.observer.on('newproducer', (producer) => {
            if (producer.kind !== 'video') return;
            producer.on('trace', (t) => {
              if ((t.type === 'pli' || t.type === 'fir') && t.direction === 'out') keyFrameRequests.inc();
            });
            producer.enableTraceEvent(['pli', 'fir']).catch(() => undefined); // closed meanwhile
          });
        }),
      );
    pool.all().forEach(watch);
    pool.on('respawned', watch);
  }

  signalingError(code: ErrorCode): void {
    this.signalingErrors.inc({ code });
  }

  peerSession(kind: 'join' | 'resume'): void {
    this.peerSessions.inc({ kind });
  }

  iceRestart(): void {
    this.iceRestarts.inc();
  }
}
