// One ladder in its own process (so each engine gets fresh workers, and bare mediasoup can be given another
// libsrtp): `tsx run-ladder.ts <profile> '<settings JSON>'`. Prints one JSON line per step, then the result.
import { runLadder, profiles, type LadderSettings, type ProfileName } from './ladder.js';

const [name, settingsJson] = process.argv.slice(2);
if (!name || !(name in profiles) || !settingsJson) {
  process.stderr.write(`usage: run-ladder.ts <${Object.keys(profiles).join('|')}> '<settings JSON>'\n`);
  process.exit(2);
}
const settings = JSON.parse(settingsJson) as LadderSettings;
const result = await runLadder(name as ProfileName, settings, (step) =>
  process.stdout.write(`${JSON.stringify({ type: 'step', step })}\n`),
);
process.stdout.write(`${JSON.stringify({ type: 'result', result })}\n`);
process.exit(0);
