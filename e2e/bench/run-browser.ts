// One browser scenario in its own process: `tsx run-browser.ts <scenario> '<options JSON>'`.
// Progress goes to stderr; the result is the last line on stdout, as JSON.
import { adaptation } from './adaptation.js';
import { cameraCost } from './camera-cost.js';
import { ingestCost, ingestLatency } from './ingest.js';
import { presenceLoad } from './presence.js';
import { churn, glassToGlass, joinTime, keyframeStorm, type Log } from './scenarios.js';

const scenarios = {
  glassToGlass,
  joinTime,
  keyframeStorm,
  churn,
  adaptation,
  cameraCost,
  ingestLatency,
  ingestCost,
  presenceLoad,
} as const;
type Name = keyof typeof scenarios;

const [name, json] = process.argv.slice(2);
if (!name || !(name in scenarios) || !json) {
  process.stderr.write(`usage: run-browser.ts <${Object.keys(scenarios).join('|')}> '<options JSON>'\n`);
  process.exit(2);
}
const log: Log = (line) => process.stderr.write(`  ${line}\n`);
const run = scenarios[name as Name] as (opts: unknown, log: Log) => Promise<unknown>;
try {
  const result = await run(JSON.parse(json), log);
  process.stdout.write(`${JSON.stringify({ type: 'result', result })}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
