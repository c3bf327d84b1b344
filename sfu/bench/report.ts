// The printed summary of a benchmark run: a table per ladder, the headline figures, and the goals from the
// issue (printed, never asserted: a slower machine is not a failure).
import type { BenchResults, ClusterJson, LadderJson } from './results.js';

type Say = (line: string) => void;

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 0)} %`;
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
/** A time that may not have happened (null): a dash. */
const maybeMs = (x: number | null) => (x === null ? '—' : ms(x));

/** CPU of one worker core per consumer, from the largest clean step (the figure that sizes a server). */
export function cpuPerConsumer(l: LadderJson): number {
  const step = [...l.steps].reverse().find((s) => s.clean) ?? l.steps[0]!;
  return step.cpu / (step.consumers / l.workers);
}

function ladderTable(title: string, l: LadderJson, say: Say): void {
  say(`\n${title} — ${l.workers} worker(s), SRTP ${l.suite}, libsrtp ${l.libsrtp}`);
  say('  consumers   core CPU      egress       packets/s   loss      latency p50 / p99');
  for (const s of l.steps)
    say(
      `  ${String(s.consumers).padStart(9)}   ${pct(s.cpu).padStart(8)}   ${`${s.egressMbps.toFixed(0)} Mbps`.padStart(10)}` +
        `   ${Math.round(s.packetsPerSecond).toString().padStart(9)}   ${pct(s.loss).padStart(6)}` +
        `    ${ms(s.latencyP50Ms)} / ${ms(s.latencyP99Ms)}${s.clean ? '' : '   (not clean)'}`,
    );
}

function clusterTable(c: ClusterJson, say: Say): void {
  say(
    '\nCluster — origin (core 0) and edge (core 1), one worker each; the bench process on core 1, then on both',
  );
  say('  series    origin + edge   worker CPU origin / edge   loss origin / edge   hop p50 / p99');
  const maybe = (x: number | null) => (x === null ? '—' : ms(x));
  for (const [name, steps] of [
    ['one node', c.oneNode],
    ['edge', c.edge],
    ['both', c.both],
  ] as const)
    for (const s of steps)
      say(
        `  ${name.padEnd(8)}  ${`${s.originViewers} + ${s.edgeViewers}`.padStart(13)}   ${`${pct(s.originCpu)} / ${pct(s.edgeCpu)}`.padStart(24)}` +
          `   ${`${pct(s.originLoss)} / ${pct(s.edgeLoss)}`.padStart(18)}   ${maybe(s.hopP50Ms)} / ${maybe(s.hopP99Ms)}` +
          `${s.clean ? '' : '   (not clean)'}`,
      );
}

/** The cluster's three headline figures, with the issue's goals. */
function clusterRows(c: ClusterJson): [string, string, string][] {
  const f = c.originFlat;
  return [
    [
      'clean viewers, origin + edge node (a core each)',
      `${c.bothClean} (one node ${c.oneNodeClean}; ×${c.ratioToOneNode.toFixed(2)})`,
      `≥ 1.8×: ${c.ratioToOneNode >= 1.8 ? 'met' : 'NOT met'}`,
    ],
    [
      `origin worker CPU, edge serving 0 → ${f.edgeViewers} viewers`,
      `${pct(f.originCpuAtNone)} → ${pct(f.originCpuAtMost)} (as many on the origin itself: ${pct(f.sameViewersOnOrigin)})`,
      `flat (< 5 points more): ${f.originCpuAtMost - f.originCpuAtNone < 0.05 ? 'met' : 'NOT met'}`,
    ],
    [
      `latency added by the origin → edge hop (${c.hop.edgeViewers} edge viewers)`,
      `p50 ${ms(c.hop.p50Ms)}, p99 ${ms(c.hop.p99Ms)}`,
      `p99 < 3 ms: ${c.hop.p99Ms < 3 ? 'met' : 'NOT met'}`,
    ],
  ];
}

export function printReport(r: Partial<BenchResults>, say: Say): void {
  say('\n════════ results ════════');
  if (r.capacity) {
    ladderTable('Capacity, product', r.capacity.product, say);
    ladderTable('Capacity, bare mediasoup', r.capacity.bare, say);
    ladderTable('Capacity, product, camera sending 3 layers', r.capacity.simulcast, say);
  }
  if (r.scaling) ladderTable('Scaling, product on all workers', r.scaling.allWorkers, say);
  if (r.cluster) clusterTable(r.cluster, say);

  const rows: [string, string, string][] = [];
  const goal = (ok: boolean) => (ok ? 'met' : 'NOT met');
  if (r.capacity) {
    const { product, bare, ratioToBare } = r.capacity;
    rows.push([
      'clean SRTP consumers per core (4 Mbps)',
      `${product.cleanPerCore} (bare mediasoup ${bare.cleanPerCore}; ×${ratioToBare.toFixed(2)})`,
      `≥ 150 and above bare: ${goal(product.cleanPerCore >= 150 && ratioToBare > 1)}`,
    ]);
    rows.push([
      'worker core CPU per consumer',
      `${pct(cpuPerConsumer(product))} (bare ${pct(cpuPerConsumer(bare))})`,
      '',
    ]);
    const { simulcast, simulcastToSingle } = r.capacity;
    rows.push([
      'clean consumers per core, 3 layers',
      `${simulcast.cleanPerCore} (one layer ${product.cleanPerCore}; ×${simulcastToSingle.toFixed(2)})`,
      `within 15 % of one layer: ${goal(simulcastToSingle >= 0.85)}`,
    ]);
  }
  if (r.scaling)
    rows.push([
      `clean consumers, ${r.scaling.allWorkers.workers} workers`,
      `${r.scaling.allWorkers.cleanConsumers} (×${r.scaling.ratioToOneWorker.toFixed(2)} one worker)`,
      `≥ 1.8×: ${goal(r.scaling.ratioToOneWorker >= 1.8)}`,
    ]);
  if (r.cluster) rows.push(...clusterRows(r.cluster));
  for (const c of r.recordingCost ?? [])
    rows.push([
      `recording ${c.width}×${c.height} ${c.bitrateMbps} Mbps`,
      `worker ${pct(c.workerCpuAlone)} → ${pct(c.workerCpuRecording)}, recorder ffmpeg ${pct(c.recorderCpu)}, service ${pct(c.serviceCpuAlone)} → ${pct(c.serviceCpuRecording)}; 360 + MP4 ${c.finishSeconds.toFixed(1)} s after the stop`,
      '',
    ]);
  for (const t of r.tuning ?? [])
    rows.push([
      `tuning: ${t.tuning}`,
      `${t.withCleanPerCore} clean/core with, ${t.withoutCleanPerCore} without; CPU/consumer ${pct(t.withCpuPerConsumer)} vs ${pct(t.withoutCpuPerConsumer)}`,
      // A gain within one run's noise (5 % of CPU) is not a gain.
      t.withCleanPerCore > t.withoutCleanPerCore || t.withCpuPerConsumer < 0.95 * t.withoutCpuPerConsumer
        ? 'helps'
        : 'no gain seen',
    ]);
  if (r.latency)
    rows.push([
      `added latency at ${r.latency.consumers} consumers`,
      `p50 ${ms(r.latency.p50Ms)}, p99 ${ms(r.latency.p99Ms)}`,
      `p99 < 5 ms: ${goal(r.latency.p99Ms < 5)}`,
    ]);
  if (r.glassToGlass)
    rows.push([
      `glass to glass ${r.glassToGlass.width}×${r.glassToGlass.height}`,
      `p50 ${ms(r.glassToGlass.p50Ms)}, p95 ${ms(r.glassToGlass.p95Ms)} (${r.glassToGlass.samples} frames)`,
      `p50 < 100 ms: ${goal(r.glassToGlass.p50Ms < 100)}`,
    ]);
  if (r.joinTime)
    rows.push([
      'join → first decoded frame',
      `p50 ${ms(r.joinTime.p50Ms)}, p95 ${ms(r.joinTime.p95Ms)} (${r.joinTime.samples} joins)`,
      `p50 < 700 ms: ${goal(r.joinTime.p50Ms < 700)}`,
    ]);
  if (r.keyframeStorm)
    rows.push([
      `keyframe storm, ${r.keyframeStorm.viewers} viewers`,
      `≤ ${r.keyframeStorm.requestsPerSecondMax}/s at the camera, ${r.keyframeStorm.requestsTotal} in ${r.keyframeStorm.windowS} s (joins spread over ${r.keyframeStorm.joinSpreadMs} ms); throttle off: ≤ ${r.keyframeStorm.withoutThrottle?.requestsPerSecondMax}/s, ${r.keyframeStorm.withoutThrottle?.requestsTotal}`,
      `≤ 2/s: ${goal(r.keyframeStorm.requestsPerSecondMax <= 2)}`,
    ]);
  if (r.adaptation) rows.push(adaptationRow(r.adaptation));
  if (r.presence) {
    const p = r.presence;
    rows.push([
      `presence, ${p.gazers} viewers reporting their gaze`,
      `${p.reportsPerSecond} reports/s: service ${p.serviceCpuQuiet} → ${p.serviceCpuGaze} % of a core (+${p.gazeCpuPercent} %); camera page ${p.cameraRafFps} frames/s, preview ${p.cameraVideoFps} fps, ${p.dotsShown} dots`,
      `< 5 % and ≥ 25 fps: ${goal(p.gazeCpuPercent < 5 && p.cameraVideoFps >= 25 && p.cameraRafFps >= 25)}`,
    ]);
  }
  for (const [resolution, three, one] of cameraPairs(r.cameraCost ?? []))
    rows.push([
      `camera browser CPU, ${resolution}`,
      `3 layers ${three.cpuCores} cores (${describeSent(three)}); 1 layer ${one.cpuCores} (${describeSent(one)})`,
      '',
    ]);
  if (r.ingestLatency) {
    const l = r.ingestLatency;
    const whipOverBrowser = l.whip.p50Ms / l.browser.p50Ms - 1;
    rows.push([
      `glass to glass by source, ${l.width}×${l.height} (p50 / p95)`,
      `browser ${ms(l.browser.p50Ms)} / ${ms(l.browser.p95Ms)}; WHIP ${ms(l.whip.p50Ms)} / ${ms(l.whip.p95Ms)}; RTMP copy ${ms(l.rtmpCopy.p50Ms)} / ${ms(l.rtmpCopy.p95Ms)}; RTMP re-encode ${ms(l.rtmpReencode.p50Ms)} / ${ms(l.rtmpReencode.p95Ms)}`,
      `RTMP copy − WHIP < 300 ms: ${goal(l.rtmpCopy.p50Ms - l.whip.p50Ms < 300)}; WHIP within 20 % of browser: ${goal(Math.abs(whipOverBrowser) <= 0.2)}`,
    ]);
  }
  for (const c of r.ingestCost ?? [])
    rows.push([`RTMP bridge CPU, ${c.size} ${c.mode}`, `${c.cpuCores} cores, ${c.restarts} restarts`, '']);
  if (r.churn)
    rows.push([
      `churn ${r.churn.seconds} s`,
      `${r.churn.visits} visits, RSS ${r.churn.rssGrowthMB >= 0 ? '+' : ''}${r.churn.rssGrowthMB} MB, left over: ${r.churn.leaked.transports} transports / ${r.churn.leaked.consumers} consumers`,
      `< 32 MB, 0 leaked: ${goal(r.churn.rssGrowthMB < 32 && r.churn.leaked.transports + r.churn.leaked.consumers + r.churn.leaked.producers === 0)}`,
    ]);
  if (rows.length === 0) return;
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  say('');
  for (const [a, b, c] of rows) say(`  ${a.padEnd(w0)}   ${b.padEnd(w1)}   ${c}`);
  if (r.machine)
    say(
      `\n  on ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.kernel}; UDP rmem_default ${r.machine.udpReceiveBufferDefault}`,
    );
}

/** The README's "Performance" table, from a run (written next to the JSON as latest.md). */
export function markdownTable(r: BenchResults): string {
  const cap = r.capacity;
  const kbps = r.source.bitrateBps / 1e6;
  const lines = [
    `Measured ${r.startedAt.slice(0, 10)} on ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.kernel}, mediasoup ${r.machine.mediasoup}; one run (repeat runs here differ by up to ~25 % in the ladders).`,
    '',
    '| Figure | Inclubit 360 | Bare mediasoup | Goal |',
    '|---|---|---|---|',
    `| Clean viewers per core, ${kbps} Mbps ${r.source.width}×${r.source.height} H264 (loss < 0.5 %, core < 90 %) | **${cap.product.cleanPerCore}** | ${cap.bare.cleanPerCore} (×${cap.ratioToBare.toFixed(1)}) | ≥ 150, above bare |`,
    `| Worker core CPU per viewer | ${pct(cpuPerConsumer(cap.product))} | ${pct(cpuPerConsumer(cap.bare))} | |`,
    `| Clean viewers per core, camera sending 3 layers (¼, ½, full width), viewers spread over them | **${cap.simulcast.cleanPerCore}** (×${cap.simulcastToSingle.toFixed(2)} one layer) | | within 15 % of one layer |`,
    `| Clean viewers, one room on ${r.scaling.allWorkers.workers} workers | **${r.scaling.allWorkers.cleanConsumers}** (×${r.scaling.ratioToOneWorker.toFixed(2)} one worker) | | ≥ 1.8× |`,
    `| Clean viewers on two nodes (origin + edge, a worker and a core each) | **${r.cluster.bothClean}** (×${r.cluster.ratioToOneNode.toFixed(2)} one node's ${r.cluster.oneNodeClean}) | | ≥ 1.8× |`,
    `| Origin worker CPU while the edge goes from 0 to ${r.cluster.originFlat.edgeViewers} viewers | **${pct(r.cluster.originFlat.originCpuAtNone)} → ${pct(r.cluster.originFlat.originCpuAtMost)}** (that many on the origin: ${pct(r.cluster.originFlat.sameViewersOnOrigin)}) | | flat |`,
    `| Latency added by the origin → edge hop, p50 / p99 | ${ms(r.cluster.hop.p50Ms)} / **${ms(r.cluster.hop.p99Ms)}** | | p99 < 3 ms |`,
    `| Added latency at ${r.latency.consumers} viewers, p50 / p99 | ${ms(r.latency.p50Ms)} / **${ms(r.latency.p99Ms)}** | | p99 < 5 ms |`,
    `| Glass to glass at ${r.glassToGlass.width}×${r.glassToGlass.height}, p50 / p95 | **${ms(r.glassToGlass.p50Ms)}** / ${ms(r.glassToGlass.p95Ms)} | | p50 < 100 ms |`,
    `| Join → first decoded frame, p50 / p95 (${r.joinTime.samples} joins) | **${ms(r.joinTime.p50Ms)}** / ${ms(r.joinTime.p95Ms)} | | p50 < 700 ms |`,
    `| Keyframe requests at the camera, ${r.keyframeStorm.viewers} viewers joining | **≤ ${r.keyframeStorm.requestsPerSecondMax}/s** (${r.keyframeStorm.requestsTotal} in ${r.keyframeStorm.windowS} s) | ≤ ${r.keyframeStorm.withoutThrottle.requestsPerSecondMax}/s (${r.keyframeStorm.withoutThrottle.requestsTotal}; no throttle) | ≤ 2/s |`,
    `| Churn ${r.churn.seconds / 60} min (${r.churn.visits} visits): memory growth, leftovers | **${r.churn.rssGrowthMB} MB**, ${r.churn.leaked.transports} transports / ${r.churn.leaked.consumers} consumers | | < 32 MB, 0 |`,
  ];
  if (!('unavailable' in r.adaptation)) {
    const a = r.adaptation;
    lines.push(
      `| One viewer's link at half the top layer (${a.simulcast.limitKbps} kbit/s) for ${a.narrowS} s: down a layer / stalled (longest; longest after the first 10 s) / top again when freed | **${maybeMs(a.simulcast.downMs)}** / ${ms(a.simulcast.stallTotalMs)} (${ms(a.simulcast.longestStallMs)}; **${ms(a.simulcast.longestStallAfterSwitchMs)}**) / ${maybeMs(a.simulcast.upMs)} | one layer: stalled ${ms(a.oneLayer.stallTotalMs)} (${ms(a.oneLayer.longestStallMs)}) | ≤ 10 s / no stall > 1 s after 10 s / ≤ 20 s |`,
    );
  }
  const p = r.presence;
  lines.push(
    `| ${p.gazers} viewers reporting their gaze (${p.reportsPerSecond}/s): the service's CPU for it; the camera page's frames/s and preview fps while it draws every dot | **+${pct(p.gazeCpuPercent / 100)}** (${pct(p.serviceCpuQuiet / 100)} → ${pct(p.serviceCpuGaze / 100)}) | **${p.cameraRafFps}** / **${p.cameraVideoFps}** (quiet: ${p.cameraRafFpsQuiet} / ${p.cameraVideoFpsQuiet}) | < 5 % of a core; ≥ 25 fps |`,
  );
  const l = r.ingestLatency;
  lines.push(
    `| Glass to glass at ${l.width}×${l.height} by source, p50 / p95: browser camera · WHIP (GStreamer) · RTMP copied · RTMP re-encoded | ${ms(l.browser.p50Ms)} / ${ms(l.browser.p95Ms)} · **${ms(l.whip.p50Ms)}** / ${ms(l.whip.p95Ms)} · **${ms(l.rtmpCopy.p50Ms)}** / ${ms(l.rtmpCopy.p95Ms)} · ${ms(l.rtmpReencode.p50Ms)} / ${ms(l.rtmpReencode.p95Ms)} | | RTMP copy < WHIP + 300 ms; WHIP within 20 % of the browser |`,
  );
  for (const c of r.recordingCost)
    lines.push(
      `| A running recording at ${c.width}×${c.height}, ${c.bitrateMbps} Mbps: worker CPU without → with it; the recorder's ffmpeg; the service without → with it (the gate); 360 metadata + MP4 copy after the stop | ${pct(c.workerCpuAlone)} → **${pct(c.workerCpuRecording)}**; **${pct(c.recorderCpu)}**; ${pct(c.serviceCpuAlone)} → **${pct(c.serviceCpuRecording)}**; ${c.finishSeconds.toFixed(1)} s | | |`,
    );
  for (const c of r.ingestCost)
    lines.push(
      `| RTMP bridge (ffmpeg) CPU, ${c.size}, ${c.mode} | **${c.cpuCores} cores** (${c.restarts} restarts) | | |`,
    );
  for (const [resolution, three, one] of cameraPairs(r.cameraCost))
    lines.push(
      `| Camera browser's CPU at ${resolution}, busy pattern: 3 layers / 1 layer (cores; layers sent) | **${three.cpuCores}** (${describeSent(three)}) | ${one.cpuCores} (${describeSent(one)}) | |`,
    );
  if (r.tuning.length > 0) {
    lines.push(
      '',
      '| Tuning | Clean viewers per core with / without | Core CPU per viewer with / without |',
      '|---|---|---|',
    );
    for (const t of r.tuning)
      lines.push(
        `| ${t.tuning} | ${t.withCleanPerCore} / ${t.withoutCleanPerCore} | ${pct(t.withCpuPerConsumer)} / ${pct(t.withoutCpuPerConsumer)} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}

type CameraCost = BenchResults['cameraCost'][number];

/** The camera runs of each capture size: three layers and one, side by side. */
function cameraPairs(runs: CameraCost[]): [string, CameraCost, CameraCost][] {
  const sizes = [...new Set(runs.map((r) => r.resolution))];
  return sizes.flatMap((size) => {
    const three = runs.find((r) => r.resolution === size && r.layers === 3);
    const one = runs.find((r) => r.resolution === size && r.layers === 1);
    return three && one ? [[size, three, one] as [string, CameraCost, CameraCost]] : [];
  });
}

/** What a camera run sent, e.g. "480@30 + 960@30 + 1920@28 fps". */
const describeSent = (run: CameraCost) =>
  run.sent.map((l) => `${l.width}@${Math.round(l.fps)}`).join(' + ') + ' fps';

type Adaptation = NonNullable<BenchResults['adaptation']>;

/** The adaptation scenario's line: the three layers' figures, the one layer's stalls, the goals. */
function adaptationRow(a: Adaptation): [string, string, string] {
  if ('unavailable' in a) return ['adaptation', `not measured: ${a.unavailable}`, ''];
  const s = a.simulcast;
  return [
    `adaptation, link at ${s.limitKbps} kbit/s for ${a.narrowS} s`,
    `3 layers: down ${maybeMs(s.downMs)}, stalled ${ms(s.stallTotalMs)} (longest ${ms(s.longestStallMs)}; after the first 10 s ${ms(s.longestStallAfterSwitchMs)}), top again ${maybeMs(s.upMs)}; 1 layer: stalled ${ms(a.oneLayer.stallTotalMs)} (longest ${ms(a.oneLayer.longestStallMs)})`,
    `down ≤ 10 s, then no stall > 1 s, up ≤ 20 s: ${s.downMs !== null && s.downMs <= 10_000 && s.longestStallAfterSwitchMs <= 1000 && s.upMs !== null && s.upMs <= 20_000 ? 'met' : 'NOT met'}`,
  ];
}
