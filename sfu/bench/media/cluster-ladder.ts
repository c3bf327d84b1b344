// The cluster benchmark (issue 20): an origin node and an edge node, each with one worker pinned to its own
// core (this machine has two: one origin and one edge, not the two edges). The synthetic camera
// publishes on the origin; viewers are SRTP consumers on either node's router, as in the capacity ladder.
// Three series, one after another on the same two nodes:
//   1. one node: viewers on the origin only, no edge (the baseline, the bench process off the worker's core);
//   2. edge: the origin keeps only its probe viewers while the edge's viewers grow: the origin's CPU, and what
//      the hop costs each packet (its arrival at an edge viewer minus at an origin viewer);
//   3. both: viewers split evenly over the two nodes, until a step is not clean.
// Clean: every node's probes lose < maxLoss and every node's worker stays under maxCpu of a core. The worker's
// own CPU, not its core's as in the one-node ladder: with two nodes on two cores the bench (the camera, the
// probes' sinks) runs on the nodes' cores, and a real cluster's viewers are on other machines.
import { setTimeout as sleep } from 'node:timers/promises';
import type { types } from 'mediasoup';
import { srtpCryptoSuite } from '../../src/media/forwarding.js';
import { PacedH264Sender, SharedSend, readFrames } from './h264-source.js';
import type { LadderSettings } from './ladder.js';
import { DiscardSink, RtpSink, hopLatencies, type SinkWindow } from './rtp-sink.js';
import { addViewer, cpuWindow, percentile, pin, sentTotals, type Viewer } from './measure.js';
import { openClusterStage, type ClusterNodeStage } from './cluster-stage.js';
import type { ClusterJson } from '../results.js';

/** The one-node ladder's settings (probes: per node here), with the three series' steps. */
export interface ClusterSettings extends Omit<LadderSettings, 'steps' | 'layers'> {
  /** Viewers per step of each series: on the one node; on the edge; in all (half on each node). */
  oneNodeSteps: number[];
  edgeSteps: number[];
  bothSteps: number[];
}

export interface ClusterStep {
  originViewers: number;
  edgeViewers: number;
  /** Each worker's own CPU, and its core's (origin's on core 0, edge's on core 1), 0–1. */
  originCpu: number;
  edgeCpu: number;
  originCore: number;
  edgeCore: number;
  egressMbps: number;
  /** Of each node's probes: packets missing by sequence number. */
  originLoss: number;
  edgeLoss: number;
  /** Camera → viewer, per packet, on each node's probes (null with no probe there). */
  originLatencyP99Ms: number | null;
  edgeLatencyP99Ms: number | null;
  /** What the hop adds per packet: first arrival at an edge probe minus at an origin probe. */
  hopP50Ms: number | null;
  hopP99Ms: number | null;
  clean: boolean;
}

export type Series = 'oneNode' | 'edge' | 'both';

export interface ClusterResult {
  oneNode: ClusterStep[];
  edge: ClusterStep[];
  both: ClusterStep[];
}

/** A node's viewers: the first `probes` to its RtpSink, the rest to a socket nobody reads. */
class NodeViewers {
  readonly viewers: Viewer[] = [];
  constructor(
    private readonly node: ClusterNodeStage,
    private readonly sink: RtpSink,
    private readonly sinkPort: number,
    private readonly discardPort: number,
    private readonly probes: number,
  ) {}

  get count(): number {
    return this.viewers.length;
  }

  async grow(to: number): Promise<void> {
    while (this.viewers.length < to) {
      const port = this.viewers.length < this.probes ? this.sinkPort : this.discardPort;
      const router = this.node.room.home.router;
      this.viewers.push(await addViewer(router, this.node.video.id, srtpCryptoSuite, port, undefined));
    }
  }

  clear(): void {
    for (const v of this.viewers.splice(0)) v.transport.close();
    this.sink.reset();
  }

  consumers(): types.Consumer[] {
    return this.viewers.map((v) => v.consumer);
  }

  window(): SinkWindow {
    return this.sink.read();
  }

  reset(): void {
    this.sink.reset();
  }
}

const orNull = (x: number) => (Number.isNaN(x) ? null : x);
const lossOf = (w: SinkWindow) => (w.expected === 0 ? 1 : w.lost / w.expected);

export async function runCluster(
  settings: ClusterSettings,
  progress: (series: Series, step: ClusterStep) => void,
): Promise<ClusterResult> {
  const ssrc = 0x1000_0000 + Math.floor(Math.random() * 0x1000_0000);
  const stage = await openClusterStage(ssrc);
  const shared = new SharedSend();
  const sender = new PacedH264Sender({
    frames: readFrames(settings.clip),
    fps: settings.source.fps,
    payloadType: stage.payloadType,
    ssrc,
    toffsetId: stage.toffsetId,
    pacingBps: settings.source.bitrateBps * 2.5,
    target: { ip: '127.0.0.1', port: stage.ingestPort },
    shared,
  });
  const sinks = [
    new RtpSink(shared.sentAt, stage.toffsetId),
    new RtpSink(shared.sentAt, stage.toffsetId),
  ] as const;
  const ports = await Promise.all(sinks.map((s) => s.start()));
  const discard = await DiscardSink.open();
  const result: ClusterResult = { oneNode: [], edge: [], both: [] };
  try {
    await sender.start();
    pin(stage.origin.worker.pid, 0);
    const origin = new NodeViewers(stage.origin, sinks[0], ports[0]!, discard.port, settings.probes);

    /** One measured step with the viewers as they are; both nodes' CPU whether or not they serve. */
    const measure = async (edge: NodeViewers | undefined): Promise<ClusterStep> => {
      await sleep(settings.settleMs);
      origin.reset();
      edge?.reset();
      const consumers = [...origin.consumers(), ...(edge?.consumers() ?? [])];
      const sent0 = await sentTotals(consumers);
      const pids = [stage.origin.worker.pid, stage.edge?.worker.pid ?? stage.origin.worker.pid];
      const cpu = cpuWindow(pids, [0, 1]);
      await sleep(settings.measureMs);
      const { seconds, cpuPerWorker, corePerWorker } = cpu.end();
      const sent1 = await sentTotals(consumers);
      const o = origin.window();
      const e = edge?.window();
      const hop = e && origin.count > 0 ? hopLatencies(o, e) : new Float64Array();
      const originLoss = origin.count > 0 ? lossOf(o) : 0;
      const edgeLoss = e && edge && edge.count > 0 ? lossOf(e) : 0;
      const originCpu = cpuPerWorker[0]!;
      const edgeCpu = stage.edge ? cpuPerWorker[1]! : 0;
      const originCore = corePerWorker[0]!;
      const edgeCore = stage.edge ? corePerWorker[1]! : 0;
      const probed = (n: NodeViewers | undefined, w: SinkWindow | undefined) =>
        !n || w!.streams >= Math.min(n.count, settings.probes);
      return {
        originViewers: origin.count,
        edgeViewers: edge?.count ?? 0,
        originCpu,
        edgeCpu,
        originCore,
        edgeCore,
        egressMbps: ((sent1.bytes - sent0.bytes) * 8) / seconds / 1e6,
        originLoss,
        edgeLoss,
        originLatencyP99Ms: orNull(percentile(o.latencies, 0.99)),
        edgeLatencyP99Ms: e ? orNull(percentile(e.latencies, 0.99)) : null,
        hopP50Ms: orNull(percentile(hop, 0.5)),
        hopP99Ms: orNull(percentile(hop, 0.99)),
        clean:
          originLoss < settings.maxLoss &&
          edgeLoss < settings.maxLoss &&
          // Each node's own CPU (its worker's, which on loopback includes the kernel's sending for it): the
          // cores also carry the bench itself, which in a real cluster runs on other machines.
          originCpu < settings.maxCpu &&
          edgeCpu < settings.maxCpu &&
          probed(origin, o) &&
          probed(edge, e),
      };
    };

    /** Runs `steps` (each a viewer count per node) until two steps in a row are not clean. */
    const series = async (
      name: Series,
      steps: number[],
      place: (n: number) => Promise<void>,
      edge: NodeViewers | undefined,
    ) => {
      for (const n of steps) {
        await place(n);
        const step = await measure(edge);
        result[name].push(step);
        progress(name, step);
        const s = result[name];
        if (s.length >= 2 && !step.clean && !s[s.length - 2]!.clean) break;
      }
    };

    // 1. One node: the origin alone, the bench process on the other core (as the capacity ladder does).
    pin(process.pid, 1);
    await series('oneNode', settings.oneNodeSteps, (n) => origin.grow(n), undefined);
    origin.clear();

    // 2. The edge joins: the origin keeps its probes; the edge's viewers grow. From here the bench process
    // shares the two cores with the workers (there is no third).
    const edgeNode = await stage.openEdge();
    pin(edgeNode.worker.pid, 1);
    pin(process.pid, 'all');
    const edge = new NodeViewers(edgeNode, sinks[1], ports[1]!, discard.port, settings.probes);
    await origin.grow(settings.probes);
    await series('edge', settings.edgeSteps, (n) => edge.grow(n), edge);
    origin.clear();
    edge.clear();

    // 3. Both nodes serve: the viewers split evenly.
    await series(
      'both',
      settings.bothSteps,
      async (n) => {
        await origin.grow(Math.ceil(n / 2));
        await edge.grow(Math.floor(n / 2));
      },
      edge,
    );
    return result;
  } finally {
    sender.stop();
    sinks.forEach((s) => s.stop());
    discard.close();
    await stage.close();
  }
}

const largestClean = (steps: ClusterStep[]) =>
  steps.filter((s) => s.clean).reduce((n, s) => Math.max(n, s.originViewers + s.edgeViewers), 0);

/** The figures the issue asks for, from the three series. */
export function summarizeCluster(r: ClusterResult): ClusterJson {
  const oneNodeClean = largestClean(r.oneNode);
  const bothClean = largestClean(r.both);
  const none = r.edge[0]!;
  const most = [...r.edge].reverse().find((s) => s.clean) ?? none;
  // The same number of viewers on the origin itself (the one-node series' nearest step), for scale.
  const nearest = r.oneNode.reduce((a, b) =>
    Math.abs(b.originViewers - most.edgeViewers) < Math.abs(a.originViewers - most.edgeViewers) ? b : a,
  );
  // The hop alone: the first step where the edge serves only its probes (no fan-out to speak of).
  const hop = r.edge.find((s) => s.edgeViewers > 0 && s.hopP99Ms !== null) ?? most;
  return {
    ...r,
    oneNodeClean,
    bothClean,
    ratioToOneNode: oneNodeClean > 0 ? bothClean / oneNodeClean : 0,
    originFlat: {
      edgeViewers: most.edgeViewers,
      originCpuAtNone: none.originCpu,
      originCpuAtMost: most.originCpu,
      sameViewersOnOrigin: nearest.originCpu,
    },
    hop: { edgeViewers: hop.edgeViewers, p50Ms: hop.hopP50Ms ?? NaN, p99Ms: hop.hopP99Ms ?? NaN },
  };
}
