// The host's UDP table as the recorder reads it: a bound loopback port is seen, and so are the bytes waiting in
// its receive queue while its reader is busy (a child process that binds, then computes without reading).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { afterEach, expect, it } from 'vitest';
import { udpBound, udpReceiveQueue } from './udp-table.js';
import { until } from '../test-support/until.js';

const children: ChildProcess[] = [];
const sockets: dgram.Socket[] = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.kill('SIGKILL'));
  sockets.splice(0).forEach((s) => s.close());
});

/** A reader that binds a port, says which, then does not read for `ms`. */
function busyReader(ms: number): Promise<{ port: number; child: ChildProcess }> {
  const script = `const s = require('dgram').createSocket('udp4');
s.bind(0, '127.0.0.1', () => { console.log(s.address().port); const t = Date.now(); while (Date.now() - t < ${ms}); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve({ port: Number(d.toString().trim()), child }));
    child.once('exit', (code) => reject(new Error(`the reader exited (${code}) before it bound`)));
  });
}

it('sees a port bound, the bytes waiting in its queue while nobody reads, and nothing once it is closed', async () => {
  const { port, child } = await busyReader(5000);
  expect(await udpBound(port)).toBe(true);
  expect(await udpReceiveQueue(port)).toBe(0);
  const sender = dgram.createSocket('udp4');
  sockets.push(sender);
  for (let i = 0; i < 10; i++) sender.send(Buffer.alloc(1000), port, '127.0.0.1');
  await until('bytes queued', async () => (await udpReceiveQueue(port)) >= 10_000, { ms: 2000, everyMs: 20 });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  expect(await udpBound(port)).toBe(false);
});
