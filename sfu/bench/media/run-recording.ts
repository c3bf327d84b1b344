// The recorder's cost in its own process: `tsx run-recording.ts '<settings JSON>'`. Prints one JSON line per
// camera measured, then the result.
import { measureRecordingCost, type RecordingCostSettings } from './recording-cost.js';

const [settingsJson] = process.argv.slice(2);
if (!settingsJson) {
  process.stderr.write(`usage: run-recording.ts '<settings JSON>'\n`);
  process.exit(2);
}
const result = await measureRecordingCost(JSON.parse(settingsJson) as RecordingCostSettings, (cost) =>
  process.stdout.write(`${JSON.stringify({ type: 'recordingCost', cost })}\n`),
);
process.stdout.write(`${JSON.stringify({ type: 'result', result })}\n`);
process.exit(0);
