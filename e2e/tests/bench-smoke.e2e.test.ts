// `npm run bench` works: every scenario runs for a few seconds and the JSON it writes has every figure.
// Times are not asserted (a loaded CI machine is not a slow product); what is asserted is that each scenario
// really measured something — packets at the sink, decoded frames read, joins made, visits counted.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resultsSchema } from '../../sfu/bench/results.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sfu/bench/main.ts', ...args], {
      cwd: repo,
      env: { ...process.env, BENCH_CHURN_SECONDS: '8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --smoke', () => {
  it('runs every scenario and writes every figure', { timeout: 540_000 }, async () => {
    const started = Date.now();
    const { code, output } = await runBench(['--smoke']);
    console.log(
      `[bench smoke] ${Math.round((Date.now() - started) / 1000)} s\n${output.split('════════')[2] ?? output}`,
    );
    expect(code, output).toBe(0);

    const file = path.join(repo, 'bench-results/latest-smoke.json');
    const results = resultsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(Date.parse(results.startedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(results.smoke).toBe(true);

    const { product, bare, simulcast } = results.capacity;
    for (const ladder of [product, bare, simulcast, results.scaling.allWorkers]) {
      for (const step of ladder.steps) {
        expect(step.probePackets, `${ladder.profile} at ${step.consumers}`).toBeGreaterThan(0);
        expect(step.packetsPerSecond).toBeGreaterThan(0);
      }
    }
    // Viewers spread over the three layers are sent less than viewers of the one full layer.
    expect(simulcast.steps[0]!.egressMbps).toBeLessThan(0.8 * product.steps[0]!.egressMbps);
    expect(results.scaling.allWorkers.workers).toBeGreaterThanOrEqual(2);
    expect(results.glassToGlass.samples).toBeGreaterThan(0);
    expect(results.joinTime.samples).toBe(2);
    expect(results.keyframeStorm.joined).toBe(results.keyframeStorm.viewers);
    // CI runs as root: the adaptation scenario's viewer really sat behind a narrowed link and was measured.
    expect(results.adaptation).not.toHaveProperty('unavailable');
    if (!('unavailable' in results.adaptation)) {
      expect(results.adaptation.simulcast.layers).toBe(3);
      expect(results.adaptation.oneLayer.layers).toBe(1);
      expect(results.adaptation.simulcast.limitKbps).toBeGreaterThan(0);
    }
    // The camera's cost was measured at both sizes, with three layers and with one, each sending.
    expect(results.cameraCost.map((c) => `${c.resolution} ${c.layers}`)).toEqual([
      'HD 1920×960 3',
      'HD 1920×960 1',
      '4K 3840×1920 3',
      '4K 3840×1920 1',
    ]);
    for (const c of results.cameraCost) {
      expect(c.cpuCores, c.resolution).toBeGreaterThan(0);
      expect(c.sent.length, `${c.resolution} ${c.layers}`).toBeGreaterThanOrEqual(1);
    }
    // Every synthetic viewer's gaze was relayed and drawn on the camera page; none was refused.
    expect(results.presence.reportsPerSecond).toBeGreaterThan(0);
    expect(results.presence.dotsShown).toBe(results.presence.gazers);
    expect(results.presence.refused).toBe(0);
    expect(results.presence.cameraVideoFps).toBeGreaterThan(0);
    // Every ingest path really carried time-coded frames to a viewer; the bridge's CPU was read both ways.
    const paths = results.ingestLatency;
    for (const p of [paths.browser, paths.whip, paths.rtmpCopy, paths.rtmpReencode])
      expect(p.samples).toBeGreaterThan(0);
    const [copy, reencode] = results.ingestCost;
    expect([copy?.mode, reencode?.mode]).toEqual(['copy', 're-encode']);
    // Copying costs less than re-encoding (a copy of a small picture may not even show in 2 s of ticks).
    expect(reencode!.cpuCores).toBeGreaterThan(copy!.cpuCores);
    for (const c of results.ingestCost) expect(c.restarts, `${c.size} ${c.mode}`).toBe(0);
    expect(results.churn.visits).toBeGreaterThanOrEqual(8);
    expect(results.churn.leaked).toEqual({ transports: 0, producers: 0, consumers: 0 });

    // Where the worker was built here, the product runs it on its own libsrtp (on OpenSSL) while bare
    // mediasoup is given Debian's (on NSS): the two ladders really compare the two.
    const release = path.join(repo, 'node_modules/mediasoup/worker/out/Release');
    if (existsSync(path.join(release, '.inclubit-build'))) {
      expect(results.capacity.product.libsrtp).toMatch(/\/lib\/libsrtp2\.so\.1$/);
      expect(results.capacity.product.libsrtp).toContain(path.dirname(results.capacity.product.workerBin));
      expect(results.capacity.bare.libsrtp).not.toBe(results.capacity.product.libsrtp);
    }
  });
});
