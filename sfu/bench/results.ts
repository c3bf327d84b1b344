// The shape of bench-results/*.json: what `npm run bench` measured and on what. The CI smoke test checks a
// run's file against this schema, so a scenario that stops reporting a figure fails there.
import { z } from 'zod';

const num = z.number().finite();
const share = num.min(0);

export const stepSchema = z.object({
  consumers: z.number().int().positive(),
  cpu: share,
  cpuPerWorker: z.array(share),
  corePerWorker: z.array(share),
  egressMbps: share,
  packetsPerSecond: share,
  loss: share,
  ingestDrops: z.number().int().min(0),
  sinkDrops: z.number().int().min(0),
  latencyP50Ms: share,
  latencyP99Ms: share,
  probePackets: z.number().int().min(0),
  keyframesSent: z.number().int().min(0),
  clean: z.boolean(),
});

export const ladderSchema = z.object({
  profile: z.string(),
  workers: z.number().int().positive(),
  suite: z.string(),
  libsrtp: z.string(),
  workerBin: z.string(),
  steps: z.array(stepSchema).min(1),
  cleanConsumers: z.number().int().min(0),
  cleanPerCore: share,
});

/** One step of the cluster scenario (sfu/bench/media/cluster-ladder.ts); null where a node had no probe. */
export const clusterStepSchema = z.object({
  originViewers: z.number().int().min(0),
  edgeViewers: z.number().int().min(0),
  originCpu: share,
  edgeCpu: share,
  originCore: share,
  edgeCore: share,
  egressMbps: share,
  originLoss: share,
  edgeLoss: share,
  originLatencyP99Ms: share.nullable(),
  edgeLatencyP99Ms: share.nullable(),
  hopP50Ms: num.nullable(),
  hopP99Ms: num.nullable(),
  clean: z.boolean(),
});

export const clusterSchema = z.object({
  /** Viewers on the origin alone; the edge's viewers growing; both nodes serving, half each. */
  oneNode: z.array(clusterStepSchema).min(1),
  edge: z.array(clusterStepSchema).min(1),
  both: z.array(clusterStepSchema).min(1),
  oneNodeClean: z.number().int().min(0),
  bothClean: z.number().int().min(0),
  /** bothClean ÷ oneNodeClean. */
  ratioToOneNode: share,
  /** The origin worker's CPU with the edge serving none, and serving its most clean viewers. */
  originFlat: z.object({
    edgeViewers: z.number().int().min(0),
    originCpuAtNone: share,
    originCpuAtMost: share,
    /** The origin's CPU for as many viewers of its own (the one-node series), for scale. */
    sameViewersOnOrigin: share,
  }),
  /** What the origin → edge hop adds per packet, at about 100 edge viewers. */
  hop: z.object({ edgeViewers: z.number().int().min(0), p50Ms: num, p99Ms: num }),
});

const percentiles = z.object({ samples: z.number().int().positive(), p50Ms: share, p95Ms: share });

/** One adaptation run (e2e/bench/adaptation.ts): times in ms, null where nothing happened. */
const adaptationRun = z.object({
  layers: z.number().int().positive(),
  limitKbps: share,
  topKbps: share,
  downMs: share.nullable(),
  stallTotalMs: share,
  longestStallMs: share,
  longestStallAfterSwitchMs: share,
  upMs: share.nullable(),
});

export const resultsSchema = z.object({
  version: z.literal(1),
  startedAt: z.string(),
  durationS: share,
  smoke: z.boolean(),
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    memoryGiB: share,
    kernel: z.string(),
    node: z.string(),
    mediasoup: z.string(),
    udpReceiveBufferDefault: z.number().int().min(0),
  }),
  source: z.object({ width: num, height: num, fps: num, bitrateBps: num }),
  capacity: z.object({
    product: ladderSchema,
    bare: ladderSchema,
    /** product's clean consumers per core ÷ bare's. */
    ratioToBare: share,
    /** The product with a camera sending three layers, viewers spread evenly over them. */
    simulcast: ladderSchema,
    /** simulcast's clean consumers per core ÷ product's (one layer). */
    simulcastToSingle: share,
  }),
  scaling: z.object({
    allWorkers: ladderSchema,
    /** all workers' clean consumers ÷ one worker's. */
    ratioToOneWorker: share,
  }),
  /** Two nodes, one worker each, pinned apart (issue 20). */
  cluster: clusterSchema,
  latency: z.object({ consumers: z.number().int().positive(), p50Ms: share, p99Ms: share }),
  /** What a running recording costs, per camera size and bitrate (sfu/bench/media/recording-cost.ts). */
  recordingCost: z
    .array(
      z.object({
        width: num,
        height: num,
        bitrateMbps: share,
        workerCpuAlone: share,
        workerCpuRecording: share,
        recorderCpu: share,
        serviceCpuAlone: share,
        serviceCpuRecording: share,
        writtenMbps: share,
        finishSeconds: share,
      }),
    )
    .min(1),
  /** Each tuning's worth: the product's ladder with it and without it. */
  tuning: z
    .array(
      z.object({
        tuning: z.string(),
        withCleanPerCore: share,
        withoutCleanPerCore: share,
        withCpuPerConsumer: share,
        withoutCpuPerConsumer: share,
      }),
    )
    .min(1),
  /** The product's ladder with the host's UDP receive buffers raised (root only). */
  udpBuffersRaised: ladderSchema.optional(),
  glassToGlass: percentiles.extend({ width: num, height: num, unreadable: z.number().int().min(0) }),
  /** Glass to glass through each ingest path in one run (e2e/bench/ingest.ts). */
  ingestLatency: z.object({
    width: num,
    height: num,
    browser: percentiles.extend({ unreadable: z.number().int().min(0) }),
    whip: percentiles.extend({ unreadable: z.number().int().min(0) }),
    rtmpCopy: percentiles.extend({ unreadable: z.number().int().min(0) }),
    rtmpReencode: percentiles.extend({ unreadable: z.number().int().min(0) }),
  }),
  /** The RTMP bridge's CPU (cores) per picture size, copied and re-encoded. */
  ingestCost: z
    .array(
      z.object({
        size: z.string(),
        mode: z.enum(['copy', 're-encode']),
        cpuCores: share,
        /** Bridge restarts while measured (one that falls behind its input is restarted): 0 = it kept up. */
        restarts: z.number().int().min(0),
      }),
    )
    .min(1),
  /** Join answered → first decoded frame; pageOpen*: from opening the page. */
  joinTime: percentiles.extend({
    pageOpenP50Ms: share,
    pageOpenP95Ms: share,
    /** From the join answered: the video consumed, and the transport connected (ICE + DTLS). */
    consumedP50Ms: share,
    connectedP50Ms: share,
  }),
  keyframeStorm: z.object({
    viewers: z.number().int().positive(),
    joined: z.number().int().min(0),
    live: z.number().int().min(0),
    joinSpreadMs: share,
    /** Keyframe requests the camera's browser received, per second while the viewers joined. */
    requestsPerSecondMax: share,
    requestsTotal: z.number().int().min(0),
    windowS: share,
    /** The same storm with KEYFRAME_MIN_INTERVAL_MS=0. */
    withoutThrottle: z.object({ requestsPerSecondMax: share, requestsTotal: z.number().int().min(0) }),
  }),
  /** A class of synthetic gazers reporting: the service's own CPU, and the camera page's drawing. */
  presence: z.object({
    gazers: z.number().int().positive(),
    seconds: share,
    reportsPerSecond: share,
    refused: z.number().int().min(0),
    dotsShown: z.number().int().min(0),
    /** The service process, % of a core: gazers joined and quiet, then reporting; the difference. */
    serviceCpuQuiet: share,
    serviceCpuGaze: share,
    gazeCpuPercent: num,
    cameraRafFps: share,
    cameraVideoFps: share,
    cameraRafFpsQuiet: share,
    cameraVideoFpsQuiet: share,
  }),
  /** One viewer's link narrowed to half the top layer for `narrowS`, then freed (root: network namespaces). */
  /** The camera page's browser, three layers against one, per capture size (e2e/bench/camera-cost.ts). */
  cameraCost: z
    .array(
      z.object({
        resolution: z.string(),
        layers: z.union([z.literal(1), z.literal(3)]),
        cpuCores: share,
        sent: z.array(z.object({ width: num, fps: num, kbps: num })),
      }),
    )
    .min(1),
  adaptation: z.union([
    z.object({ unavailable: z.string() }),
    z.object({ narrowS: share, simulcast: adaptationRun, oneLayer: adaptationRun }),
  ]),
  churn: z.object({
    seconds: share,
    visits: z.number().int().min(0),
    liveAtEnd: z.number().int().min(0),
    /** Visits that received video before they left. */
    wentLive: z.number().int().min(0),
    rssGrowthMB: num,
    rssEndMB: share,
    leaked: z.object({
      transports: z.number().int().min(0),
      producers: z.number().int().min(0),
      consumers: z.number().int().min(0),
    }),
  }),
});

export type BenchResults = z.infer<typeof resultsSchema>;
export type LadderJson = z.infer<typeof ladderSchema>;
export type ClusterJson = z.infer<typeof clusterSchema>;
export type ClusterStepJson = z.infer<typeof clusterStepSchema>;
