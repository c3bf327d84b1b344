// The cluster benchmark in its own process: `tsx run-cluster.ts '<settings JSON>'`. Prints one JSON line per
// step, then the result.
import { runCluster, type ClusterSettings } from './cluster-ladder.js';

const [settingsJson] = process.argv.slice(2);
if (!settingsJson) {
  process.stderr.write(`usage: run-cluster.ts '<settings JSON>'\n`);
  process.exit(2);
}
const result = await runCluster(JSON.parse(settingsJson) as ClusterSettings, (series, step) =>
  process.stdout.write(`${JSON.stringify({ type: 'clusterStep', series, clusterStep: step })}\n`),
);
process.stdout.write(`${JSON.stringify({ type: 'result', result })}\n`);
process.exit(0);
