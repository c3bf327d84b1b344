// How `npm run bench` runs each scenario: in a process of its own (fresh workers; bare mediasoup can be given
// another libsrtp), reading the JSON lines it prints, saying each step as it comes, returning the result.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LadderSettings, ProfileName } from './media/ladder.js';
import type { ClusterJson, ClusterStepJson, LadderJson } from './results.js';
import { summarizeCluster, type ClusterResult, type ClusterSettings } from './media/cluster-ladder.js';
import type { RecordingCost, RecordingCostSettings } from './media/recording-cost.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a bench script under tsx in its own process; its stdout's JSON lines come back one by one. */
interface Line {
  type: string;
  step?: LadderJson['steps'][number];
  series?: string;
  clusterStep?: ClusterStepJson;
  cost?: RecordingCost;
  result?: unknown;
}

function runScript(script: string, argv: string[], env: NodeJS.ProcessEnv, onLine: (msg: Line) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repo, script), ...argv], {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) onLine(JSON.parse(line) as Line);
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

export class ScenarioRuns {
  constructor(
    private readonly say: (line: string) => void,
    private readonly elapsed: () => string,
  ) {}

  async ladder(
    profile: ProfileName,
    settings: LadderSettings,
    env: NodeJS.ProcessEnv = {},
  ): Promise<LadderJson> {
    this.say(`\n▶ ${profile}: ladder ${settings.steps.join(', ')} consumers (${this.elapsed()})`);
    let result: LadderJson | undefined;
    await runScript('sfu/bench/media/run-ladder.ts', [profile, JSON.stringify(settings)], env, (msg) => {
      if (msg.step) {
        const s = msg.step;
        this.say(
          `  ${String(s.consumers).padStart(4)} consumers  core ${(s.cpu * 100).toFixed(0).padStart(3)} %  ` +
            `${s.egressMbps.toFixed(0).padStart(5)} Mbps  loss ${(s.loss * 100).toFixed(2)} %  ` +
            `latency p50 ${s.latencyP50Ms.toFixed(2)} / p99 ${s.latencyP99Ms.toFixed(2)} ms  ${s.clean ? 'clean' : 'NOT clean'}`,
        );
      } else if (msg.type === 'result') result = msg.result as LadderJson;
    });
    if (!result) throw new Error(`${profile} ladder gave no result`);
    this.say(
      `  → ${result.cleanConsumers} clean consumers on ${result.workers} worker(s); libsrtp: ${result.libsrtp}`,
    );
    return result;
  }

  async cluster(settings: ClusterSettings): Promise<ClusterJson> {
    this.say(
      `\n▶ cluster: an origin and an edge node, one worker each, pinned to cores 0 and 1 (${this.elapsed()})`,
    );
    let result: ClusterResult | undefined;
    const ms = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)} ms`);
    await runScript('sfu/bench/media/run-cluster.ts', [JSON.stringify(settings)], {}, (msg) => {
      const s = msg.clusterStep;
      if (s)
        this.say(
          `  ${(msg.series ?? '').padEnd(7)} origin ${String(s.originViewers).padStart(4)} + edge ${String(s.edgeViewers).padStart(4)}  ` +
            `CPU ${(s.originCpu * 100).toFixed(0).padStart(3)} / ${(s.edgeCpu * 100).toFixed(0).padStart(3)} %  ` +
            `loss ${(s.originLoss * 100).toFixed(2)} / ${(s.edgeLoss * 100).toFixed(2)} %  hop p50 ${ms(s.hopP50Ms)} / p99 ${ms(s.hopP99Ms)}  ` +
            `${s.clean ? 'clean' : 'NOT clean'}`,
        );
      else if (msg.type === 'result') result = msg.result as ClusterResult;
    });
    if (!result) throw new Error('the cluster scenario gave no result');
    const summary = summarizeCluster(result);
    this.say(
      `  → ${summary.bothClean} clean viewers on two nodes, ${summary.oneNodeClean} on one (×${summary.ratioToOneNode.toFixed(2)})`,
    );
    return summary;
  }

  async recording(settings: RecordingCostSettings): Promise<RecordingCost[]> {
    this.say(`\n▶ recording: what a running recording costs, one node, one worker (${this.elapsed()})`);
    let result: RecordingCost[] | undefined;
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    await runScript('sfu/bench/media/run-recording.ts', [JSON.stringify(settings)], {}, (msg) => {
      const c = msg.cost;
      if (c)
        this.say(
          `  ${c.width}×${c.height} ${c.bitrateMbps} Mbps: worker ${pct(c.workerCpuAlone)} → ${pct(c.workerCpuRecording)} ` +
            `recording; recorder ffmpeg ${pct(c.recorderCpu)}; service ${pct(c.serviceCpuAlone)} → ${pct(c.serviceCpuRecording)}; written ${c.writtenMbps.toFixed(2)} Mbps; ` +
            `360 + MP4 ${c.finishSeconds.toFixed(1)} s after the stop`,
        );
      else if (msg.type === 'result') result = msg.result as RecordingCost[];
    });
    if (!result) throw new Error('the recording scenario gave no result');
    return result;
  }

  async browser<T>(scenario: string, opts: object): Promise<T> {
    this.say(`\n▶ ${scenario} ${JSON.stringify(opts)} (${this.elapsed()})`);
    let result: T | undefined;
    await runScript('e2e/bench/run-browser.ts', [scenario, JSON.stringify(opts)], {}, (msg) => {
      if (msg.type === 'result') result = msg.result as T;
    });
    if (result === undefined) throw new Error(`${scenario} gave no result`);
    this.say(`  → ${JSON.stringify(result)}`);
    return result;
  }
}
