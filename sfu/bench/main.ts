// `npm run bench`: every benchmark scenario, one after another, each in its own process; a table at the
// end and the whole run as JSON under bench-results/. `--smoke` runs each scenario for a few seconds (CI
// checks the harness and its JSON, never the figures). `--only capacity,latency` picks scenarios.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSource, ensureClip } from './media/h264-source.js';
import type { LadderSettings } from './media/ladder.js';
import { resultsSchema, type BenchResults, type LadderJson } from './results.js';
import { ScenarioRuns } from './scenario-runs.js';
import { cpuPerConsumer, markdownTable, printReport } from './report.js';
import { profiles } from './media/ladder.js';
import { wantedUdpReceiveBuffer } from '../src/media/forwarding.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyArg = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const all = [
  'capacity',
  'scaling',
  'cluster',
  'latency',
  'recording',
  'tuning',
  'glass',
  'join',
  'storm',
  'adaptation',
  'camera',
  'ingest',
  'presence',
  'churn',
] as const;
type Scenario = (typeof all)[number];
const only = new Set<Scenario>(onlyArg ? (onlyArg.split(',') as Scenario[]) : all);
for (const s of only)
  if (!all.includes(s)) throw new Error(`unknown scenario ${s}; choose from ${all.join(', ')}`);
const churnSeconds = Number(process.env.BENCH_CHURN_SECONDS ?? (smoke ? 10 : 600));

const say = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const runs = new ScenarioRuns(say, elapsed);

/** Where Debian's own libsrtp2 (built on NSS) lives: what "bare mediasoup, Debian-built worker" loads. */
function debianLibsrtpDir(): string | undefined {
  try {
    const line = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.includes('libsrtp2.so.1 '));
    const file = line?.split('=> ')[1]?.trim();
    return file ? path.dirname(file) : undefined;
  } catch {
    return undefined;
  }
}

function machine(): BenchResults['machine'] {
  const cpus = os.cpus();
  let rmem = 0;
  try {
    rmem = Number(readFileSync('/proc/sys/net/core/rmem_default', 'utf8'));
  } catch {
    /* not Linux */
  }
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    mediasoup: (
      JSON.parse(readFileSync(path.join(repo, 'node_modules/mediasoup/package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
    udpReceiveBufferDefault: rmem,
  };
}

const source = defaultSource;
const base: Omit<LadderSettings, 'steps'> = {
  settleMs: smoke ? 500 : 2000,
  measureMs: smoke ? 1000 : 5000,
  clip: '',
  source,
  maxLoss: 0.005,
  maxCpu: 0.9,
  probes: smoke ? 2 : 8,
};
const range = (from: number, to: number, step: number) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

say(`Inclubit 360 benchmark${smoke ? ' (smoke: a few seconds per scenario, figures not meaningful)' : ''}`);
const m = machine();
say(
  `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}, Node ${m.node}, mediasoup ${m.mediasoup}`,
);
say(
  `clip: ${source.width}×${source.height} ${source.fps} fps H264 at ${source.bitrateBps / 1e6} Mbps (made once by ffmpeg)`,
);
base.clip = ensureClip(path.join(repo, '.cache/bench'), source);
// The camera's three layers of that clip, lowest first: ¼, ½ and full width, each at the camera page's
// bitrate for its size (max / scale^1.5, web/src/camera/video-layers.ts).
const layerSources = [4, 2, 1].map((scale) => ({
  ...source,
  width: source.width / scale,
  height: source.height / scale,
  bitrateBps: Math.round(source.bitrateBps / scale ** 1.5),
}));
const layers = () =>
  layerSources.map((spec) => ({ clip: ensureClip(path.join(repo, '.cache/bench'), spec), source: spec }));

const bareEnv: NodeJS.ProcessEnv = {};
const debianDir = debianLibsrtpDir();
// The loader looks in LD_LIBRARY_PATH before the worker's own RUNPATH: bare mediasoup gets Debian's libsrtp.
if (debianDir) bareEnv.LD_LIBRARY_PATH = debianDir;

const results: Partial<BenchResults> = {
  version: 1,
  startedAt: new Date(started).toISOString(),
  smoke,
  machine: m,
};
results.source = {
  width: source.width,
  height: source.height,
  fps: source.fps,
  bitrateBps: source.bitrateBps,
};

const ladderSteps = smoke ? [4, 8] : range(50, 800, 50);
if (only.has('capacity')) {
  const product = await runs.ladder('product', { ...base, steps: ladderSteps });
  const bare = await runs.ladder('bare', { ...base, steps: ladderSteps }, bareEnv);
  say(`layers: ${layerSources.map((l) => `${l.width}×${l.height} ${l.bitrateBps / 1e6} Mbps`).join(', ')}`);
  const simulcast = await runs.ladder('product-simulcast', { ...base, steps: ladderSteps, layers: layers() });
  results.capacity = {
    product,
    bare,
    ratioToBare: bare.cleanPerCore > 0 ? product.cleanPerCore / bare.cleanPerCore : 0,
    simulcast,
    simulcastToSingle: product.cleanPerCore > 0 ? simulcast.cleanPerCore / product.cleanPerCore : 0,
  };
}
if (only.has('scaling')) {
  const allWorkers = await runs.ladder('product-all-workers', {
    ...base,
    steps: smoke ? [8, 16] : range(100, 1600, 100),
  });
  const one = results.capacity?.product.cleanConsumers ?? 0;
  results.scaling = { allWorkers, ratioToOneWorker: one > 0 ? allWorkers.cleanConsumers / one : 0 };
}
if (only.has('cluster')) {
  // Probe viewers per node: half the one-node ladder's, so the bench reads as many streams in all.
  const probes = smoke ? 2 : base.probes / 2;
  results.cluster = await runs.cluster({
    ...base,
    probes,
    oneNodeSteps: smoke ? [4, 8] : range(50, 800, 50),
    // None (the pipe alone), the probes alone (the hop's own cost), then growing.
    edgeSteps: smoke ? [0, probes, 6] : [0, probes, ...range(50, 800, 50)],
    bothSteps: smoke ? [8] : range(100, 1600, 50),
  });
}
if (only.has('latency')) {
  const n = smoke ? 10 : 100;
  const r = await runs.ladder('product', { ...base, steps: [n], measureMs: smoke ? 1000 : 15_000 });
  const step = r.steps[0]!;
  results.latency = { consumers: n, p50Ms: step.latencyP50Ms, p99Ms: step.latencyP99Ms };
}
if (only.has('recording')) {
  // The issue's two cameras: a 4 Mbps HD 360 and a 15 Mbps 4K one; a recording of each measured in turn.
  const cameras = (
    smoke
      ? [{ ...source, width: 640, height: 320, bitrateBps: 1_000_000 }]
      : [source, { ...source, width: 3840, height: 1920, bitrateBps: 15_000_000 }]
  ).map((spec) => ({ clip: ensureClip(path.join(repo, '.cache/bench'), spec), source: spec }));
  results.recordingCost = await runs.recording({
    cameras,
    settleMs: smoke ? 500 : 2000,
    measureMs: smoke ? 1000 : 15_000,
  });
}
if (only.has('tuning')) {
  // Each tuning taken away in turn, on the same ladder: what it is worth (README "Performance").
  const product =
    results.capacity?.product ?? (await runs.ladder('product', { ...base, steps: ladderSteps }));
  const series: { tuning: string; on: LadderJson; off: LadderJson }[] = [
    {
      tuning: 'libsrtp on OpenSSL',
      on: product,
      off: await runs.ladder('product-debian-libsrtp', { ...base, steps: ladderSteps }, bareEnv),
    },
    {
      tuning: `SRTP ${profiles.product.suite}`,
      on: product,
      off: await runs.ladder('product-aes-cm', { ...base, steps: ladderSteps }),
    },
  ];
  // Larger UDP receive buffers are a host setting (mediasoup 3.12 has no socket option for them): measured by
  // raising the host's default for one ladder, when this runs as root, and putting it back.
  const rmem = '/proc/sys/net/core/rmem_default';
  if (process.getuid?.() === 0 && m.udpReceiveBufferDefault < wantedUdpReceiveBuffer) {
    const before = readFileSync(rmem, 'utf8').trim();
    writeFileSync(rmem, String(wantedUdpReceiveBuffer));
    try {
      const raised = await runs.ladder('product', { ...base, steps: ladderSteps });
      series.push({
        tuning: `UDP receive buffers ${wantedUdpReceiveBuffer / 2 ** 20} MiB`,
        on: raised,
        off: product,
      });
      results.udpBuffersRaised = raised;
    } finally {
      writeFileSync(rmem, before);
    }
  }
  results.tuning = series.map(({ tuning, on, off }) => ({
    tuning,
    withCleanPerCore: on.cleanPerCore,
    withoutCleanPerCore: off.cleanPerCore,
    withCpuPerConsumer: cpuPerConsumer(on),
    withoutCpuPerConsumer: cpuPerConsumer(off),
  }));
}
if (only.has('glass'))
  results.glassToGlass = await runs.browser('glassToGlass', {
    seconds: smoke ? 3 : 30,
    width: 1920,
    height: 960,
  });
if (only.has('join'))
  results.joinTime = await runs.browser('joinTime', { joins: smoke ? 2 : 20, resolution: 'HD 1920×960' });
if (only.has('storm')) {
  const storm = { viewers: smoke ? 5 : 50, windowS: smoke ? 3 : 10 };
  const throttled = await runs.browser<BenchResults['keyframeStorm']>('keyframeStorm', storm);
  // The same storm with the throttle off: what the camera is asked for without it.
  const unthrottled = await runs.browser<BenchResults['keyframeStorm']>('keyframeStorm', {
    ...storm,
    keyFrameMinIntervalMs: 0,
  });
  results.keyframeStorm = {
    ...throttled,
    withoutThrottle: {
      requestsPerSecondMax: unthrottled.requestsPerSecondMax,
      requestsTotal: unthrottled.requestsTotal,
    },
  };
}
if (only.has('adaptation'))
  results.adaptation = await runs.browser('adaptation', { narrowS: smoke ? 5 : 60 });
if (only.has('camera'))
  results.cameraCost = await runs.browser('cameraCost', {
    seconds: smoke ? 2 : 20,
    resolutions: ['HD 1920×960', '4K 3840×1920'],
  });
if (only.has('ingest')) {
  results.ingestLatency = await runs.browser('ingestLatency', {
    seconds: smoke ? 3 : 20,
    width: 1920,
    height: 960,
  });
  results.ingestCost = await runs.browser('ingestCost', {
    seconds: smoke ? 2 : 10,
    sizes: smoke ? ['640x320'] : ['1920x960', '3840x1920'],
  });
}
if (only.has('presence'))
  results.presence = await runs.browser('presenceLoad', {
    gazers: smoke ? 20 : 200,
    seconds: smoke ? 3 : 10,
  });
if (only.has('churn')) results.churn = await runs.browser('churn', { seconds: churnSeconds, concurrent: 4 });
results.durationS = Math.round((Date.now() - started) / 1000);

const dir = path.join(repo, 'bench-results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `bench-${results.startedAt!.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(
  path.join(dir, smoke ? 'latest-smoke.json' : 'latest.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
printReport(results, say);
const complete = resultsSchema.safeParse(results);
if (complete.success && !smoke) writeFileSync(path.join(dir, 'latest.md'), markdownTable(complete.data));
say(`\nwritten: ${path.relative(repo, file)} (${elapsed()})`);
if (only.size === all.length && !complete.success) {
  say(`the results miss figures:\n${complete.error.message}`);
  process.exit(1);
}
