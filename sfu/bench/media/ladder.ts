// The capacity ladder: one synthetic camera into a router, then N viewers as SRTP consumers (one plain
// transport each, like one WebRTC transport per headset) sending to a UDP sink; N grows step by step while
// the worker's CPU, the egress and the loss are measured. Runs either on the product's media layer (its
// workers, codecs, producer options, SRTP profile, and with several workers the room's own spreading rule,
// RoomRouters) or on bare mediasoup, so both ladders are measured the same way in the same run.
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import pino from 'pino';
import { WorkerPool } from '../../src/media/worker-pool.js';
import { mediaCodecs } from '../../src/media/codecs.js';
import { producerOptions, srtpCryptoSuite } from '../../src/media/forwarding.js';
import { RoomRouters } from '../../src/media/room-routers.js';
import { loadConfig } from '../../src/config.js';
import type { PeerId } from '../../src/protocol/index.js';
import { PacedH264Sender, SharedSend, readFrames, type SourceSpec } from './h264-source.js';
import { DiscardSink, RtpSink, udpSocketDrops } from './rtp-sink.js';
import {
  addViewer,
  cpuWindow,
  loadedLibsrtp,
  percentile,
  pin,
  sentTotals,
  syntheticCamera,
  toffsetUri,
} from './measure.js';

export type Engine = 'product' | 'bare';

export interface LadderProfile {
  engine: Engine;
  workers: number;
  suite: types.SrtpCryptoSuite;
  /** Keyframe request throttle on the camera's producer (the product's default; bare mediasoup has none). */
  keyFrameRequestDelayMs: number;
  /** 3: the camera sends three simulcast layers (settings.layers) and viewers are spread over them. */
  layers?: 1 | 3;
}

export const profiles = {
  /** The service as shipped: its worker, codecs, producer options and SRTP profile. */
  product: { engine: 'product', workers: 1, suite: srtpCryptoSuite, keyFrameRequestDelayMs: 1000 },
  /** The same, all workers (one per core) in use for one room. */
  'product-all-workers': {
    engine: 'product',
    workers: 0,
    suite: srtpCryptoSuite,
    keyFrameRequestDelayMs: 1000,
  },
  /** The product with one tuning taken away (the `tuning` scenario; the libsrtp one gets Debian's library). */
  'product-debian-libsrtp': {
    engine: 'product',
    workers: 1,
    suite: srtpCryptoSuite,
    keyFrameRequestDelayMs: 1000,
  },
  'product-aes-cm': {
    engine: 'product',
    workers: 1,
    suite: 'AES_CM_128_HMAC_SHA1_80',
    keyFrameRequestDelayMs: 1000,
  },
  /** The product with a camera that sends three layers, its viewers spread evenly over them. */
  'product-simulcast': {
    engine: 'product',
    workers: 1,
    suite: srtpCryptoSuite,
    keyFrameRequestDelayMs: 1000,
    layers: 3,
  },
  /** A router with no product code, mediasoup's defaults. */
  bare: { engine: 'bare', workers: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keyFrameRequestDelayMs: 0 },
} satisfies Record<string, LadderProfile>;
export type ProfileName = keyof typeof profiles;

export interface LadderSettings {
  steps: number[];
  settleMs: number;
  measureMs: number;
  clip: string;
  source: SourceSpec;
  /** Clean = loss below this fraction… */
  maxLoss: number;
  /** …and every worker below this CPU fraction. */
  maxCpu: number;
  /** Viewers whose packets are read and checked (loss, latency); the rest go to a socket nobody reads. */
  probes: number;
  /** For a simulcast profile: each layer's clip and what it is, lowest first (the top is `clip`/`source`). */
  layers?: { clip: string; source: SourceSpec }[];
}

export interface StepResult {
  consumers: number;
  /** Busiest worker core, 0–1: the worker plus the kernel's packet work on that core. */
  cpu: number;
  /** Per worker: its process's own CPU, and its whole core's. */
  cpuPerWorker: number[];
  corePerWorker: number[];
  egressMbps: number;
  packetsPerSecond: number;
  loss: number;
  /** Packets the kernel dropped at the worker's ingest socket and at the probe sink during the window. */
  ingestDrops: number;
  sinkDrops: number;
  /** Of the probes' packets: sent by mediasoup but not received, by sequence number. */
  probePackets: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  keyframesSent: number;
  clean: boolean;
}

export interface LadderResult {
  profile: ProfileName;
  workers: number;
  suite: string;
  /** Which libsrtp the worker process actually loaded (from /proc/<pid>/maps). */
  libsrtp: string;
  workerBin: string;
  steps: StepResult[];
  /** Largest clean N, and that per worker core. */
  cleanConsumers: number;
  cleanPerCore: number;
}

interface Stage {
  /** The router the n-th viewer's transport goes on. */
  placeViewer(n: number): Promise<types.Router>;
  workers: types.Worker[];
  producer: types.Producer;
  ingestPort: number;
  close(): void;
}

async function openStage(profile: LadderProfile, ssrcs: number[]): Promise<Stage> {
  let workers: types.Worker[];
  let closePool: () => void;
  let home: types.Router;
  let spread: RoomRouters | undefined;
  if (profile.engine === 'product') {
    const count = profile.workers === 0 ? os.availableParallelism() : profile.workers;
    const pool = await WorkerPool.create({
      count,
      logLevel: 'warn',
      rtcPort: 0,
      listen: [{ ip: '127.0.0.1' }],
      log: pino({ level: 'warn' }),
    });
    workers = pool.all().map((w) => w.worker);
    home = await pool.all()[0]!.worker.createRouter({ mediaCodecs });
    // The room's own spreading rule, at the service's default share per worker (ROOM_VIEWERS_PER_WORKER).
    spread = new RoomRouters(
      { worker: pool.all()[0]!, router: home },
      {
        workers: () => pool.all(),
        viewersPerWorker: loadConfig({}).rooms.viewersPerWorker,
        log: pino({ level: 'warn' }),
        onRouterClose: () => undefined,
      },
    );
    closePool = () => pool.close();
  } else {
    workers = [await mediasoup.createWorker()];
    home = await workers[0]!.createRouter({
      mediaCodecs: [
        {
          kind: 'video',
          mimeType: 'video/H264',
          clockRate: 90000,
          parameters: {
            'packetization-mode': 1,
            'profile-level-id': '42e01f',
            'level-asymmetry-allowed': 1,
          },
        },
      ],
    });
    closePool = () => workers[0]!.close();
  }
  const ingest = await home.createPlainTransport({
    listenIp: '127.0.0.1',
    rtcpMux: true,
    comedia: true,
  });
  const producer = await ingest.produce({
    kind: 'video',
    rtpParameters: syntheticCamera(home, ssrcs).rtpParameters,
    ...(profile.engine === 'product'
      ? producerOptions('video', profile.keyFrameRequestDelayMs)
      : { keyFrameRequestDelay: profile.keyFrameRequestDelayMs }),
  });
  return {
    async placeViewer(n) {
      if (!spread) return home;
      const placement = await spread.place(`bench-viewer-${n}` as PeerId, 'viewer');
      await spread.reach(producer, spread.home, placement);
      return placement.router;
    },
    workers,
    producer,
    ingestPort: ingest.tuple.localPort,
    close: closePool,
  };
}

export async function runLadder(
  name: ProfileName,
  settings: LadderSettings,
  progress: (step: StepResult) => void,
): Promise<LadderResult> {
  const profile: LadderProfile = profiles[name];
  const layers = profile.layers === 3 ? settings.layers : [{ clip: settings.clip, source: settings.source }];
  if (!layers || layers.length === 0) throw new Error(`${name} needs settings.layers (each layer's clip)`);
  const first = 0x1000_0000 + Math.floor(Math.random() * 0x1000_0000);
  const ssrcs = layers.map((_, i) => first + i);
  const stage = await openStage(profile, ssrcs);
  const pids = stage.workers.map((w) => w.pid);
  const libsrtp = loadedLibsrtp(pids[0]!);
  // One worker per core; with a single worker the bench itself stays off its core.
  pids.forEach((pid, i) => pin(pid, i));
  if (pids.length === 1) pin(process.pid, 1);

  const toffsetId = stage.producer.rtpParameters.headerExtensions!.find((h) => h.uri === toffsetUri)!.id;
  // One sender per layer, from one socket, numbering their packets together.
  const shared = new SharedSend();
  const senders = layers.map(
    (layer, i) =>
      new PacedH264Sender({
        frames: readFrames(layer.clip),
        fps: layer.source.fps,
        payloadType: stage.producer.rtpParameters.codecs[0]!.payloadType,
        ssrc: ssrcs[i]!,
        toffsetId,
        pacingBps: layer.source.bitrateBps * 2.5,
        target: { ip: '127.0.0.1', port: stage.ingestPort },
        shared,
      }),
  );
  const keyframesSent = () => senders.reduce((n, s) => n + s.keyframesSent, 0);
  // The consumers' toffset id is the router's, the same as the producer's here.
  const sink = new RtpSink(shared.sentAt, toffsetId);
  const sinkPort = await sink.start();
  const discard = await DiscardSink.open();
  for (const sender of senders) await sender.start();

  const steps: StepResult[] = [];
  const consumers: types.Consumer[] = [];
  try {
    for (const target of settings.steps) {
      while (consumers.length < target) {
        const n = consumers.length;
        const port = n < settings.probes ? sinkPort : discard.port;
        // Spread over the layers so that each layer's viewers are probed too.
        const layer = layers.length > 1 ? n % layers.length : undefined;
        const router = await stage.placeViewer(n);
        consumers.push((await addViewer(router, stage.producer.id, profile.suite, port, layer)).consumer);
      }
      const viewers = consumers.length;
      await sleep(settings.settleMs);
      sink.reset();
      const sent0 = await sentTotals(consumers);
      const ingest0 = udpSocketDrops(stage.ingestPort);
      const sinkDrops0 = sink.kernelDrops();
      const keyframes0 = keyframesSent();
      const cpuTimes = cpuWindow(
        pids,
        pids.map((_, i) => i),
      );
      await sleep(settings.measureMs);
      const { seconds, cpuPerWorker, corePerWorker } = cpuTimes.end();
      const window = sink.read();
      const sent1 = await sentTotals(consumers);
      const cpu = Math.max(...corePerWorker);
      const loss = window.expected === 0 ? 1 : window.lost / window.expected;
      const step: StepResult = {
        consumers: viewers,
        cpu,
        cpuPerWorker,
        corePerWorker,
        egressMbps: ((sent1.bytes - sent0.bytes) * 8) / seconds / 1e6,
        packetsPerSecond: (sent1.packets - sent0.packets) / seconds,
        loss,
        ingestDrops: udpSocketDrops(stage.ingestPort) - ingest0,
        sinkDrops: sink.kernelDrops() - sinkDrops0,
        latencyP50Ms: percentile(window.latencies, 0.5),
        latencyP99Ms: percentile(window.latencies, 0.99),
        probePackets: window.packets,
        keyframesSent: keyframesSent() - keyframes0,
        clean:
          loss < settings.maxLoss &&
          cpu < settings.maxCpu &&
          window.streams >= Math.min(viewers, settings.probes),
      };
      steps.push(step);
      progress(step);
      // Past saturation the numbers only get worse; two unclean steps in a row end the ladder.
      if (steps.length >= 2 && !step.clean && !steps[steps.length - 2]!.clean) break;
    }
  } finally {
    senders.forEach((s) => s.stop());
    sink.stop();
    discard.close();
    stage.close();
  }
  const clean = steps.filter((s) => s.clean).reduce((n, s) => Math.max(n, s.consumers), 0);
  return {
    profile: name,
    workers: pids.length,
    suite: profile.suite,
    libsrtp,
    workerBin: mediasoup.workerBin,
    steps,
    cleanConsumers: clean,
    cleanPerCore: clean / pids.length,
  };
}
