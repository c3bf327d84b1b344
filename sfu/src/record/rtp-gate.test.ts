// The gate between a recorder's plain transport and its ffmpeg, on real loopback sockets: what comes before
// ffmpeg listens is held and handed over in order and whole — several times more than a socket's receive
// buffer takes, to a reader that only reads between other work — then packets pass as they come, and an RTCP
// packet of the recorder's own (the BYE) goes after everything that came before it.
import dgram from 'node:dgram';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpGate } from './rtp-gate.js';
import { until } from '../test-support/until.js';

const log = pino({ level: 'silent' });
const open: { close(): void }[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

function socket(): Promise<dgram.Socket> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    open.push(s);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

/** A reader (ffmpeg's part): every datagram's first four bytes, in the order they came. */
async function reader() {
  const s = await socket();
  const got: number[] = [];
  s.on('message', (m) => got.push(m.readUInt32BE(0)));
  return { port: s.address().port, got };
}

const packet = (n: number, size = 1200) => {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(n, 0);
  return b;
};

/** Sends packets numbered from..to-1 to `port`, a few at a time so the gate's own socket keeps up. */
async function send(from: number, to: number, port: number) {
  const s = await socket();
  for (let n = from; n < to; n++) {
    s.send(packet(n), port, '127.0.0.1');
    if (n % 20 === 19) await new Promise((r) => setTimeout(r, 1));
  }
}

describe('RtpGate', () => {
  it('hands over what came before ffmpeg listened: in order and whole, though far more than a socket buffer holds', async () => {
    const gate = await RtpGate.open(log);
    open.push(gate);
    const rtp = await reader();
    const rtcp = await reader();
    // 3 MB: some fourteen times what Linux's default receive buffer (208 KiB) takes at once.
    const COUNT = 2500;
    await send(0, COUNT, gate.port);
    await until('all held', () => gate.waiting.packets === COUNT, { everyMs: 10 });
    const handover = await gate.openTo(rtp.port, rtcp.port);
    expect(handover.packets).toBe(COUNT);
    expect(handover.bytes).toBe(COUNT * 1200);
    expect(handover.dropped).toBe(0);
    await until('every packet read', () => rtp.got.length === COUNT, { ms: 10_000 });
    expect(rtp.got).toEqual(Array.from({ length: COUNT }, (_, n) => n));
  });

  it('then passes each packet on as it comes; its own RTCP goes after what came before it', async () => {
    const gate = await RtpGate.open(log);
    open.push(gate);
    const rtp = await reader();
    const rtcp = await reader();
    const source = await socket();
    source.send(packet(1, 100), gate.rtcpPort, '127.0.0.1'); // an SR before ffmpeg listens
    await until('held', () => gate.waiting.packets === 1, { everyMs: 10 });
    const handed = gate.openTo(rtp.port, rtcp.port);
    gate.sendRtcp(packet(2, 16)); // the BYE, asked for while the held ones are handed over
    await handed;
    source.send(packet(7, 1000), gate.port, '127.0.0.1');
    await until('live packet passed', () => rtp.got.includes(7));
    await until('both RTCP packets', () => rtcp.got.length === 2);
    expect(rtcp.got).toEqual([1, 2]);
  });

  it('lets its ports go when closed', async () => {
    const gate = await RtpGate.open(log);
    const ports = [gate.port, gate.rtcpPort];
    gate.close();
    for (const port of ports)
      await new Promise<void>((resolve, reject) => {
        const s = dgram.createSocket('udp4');
        open.push(s);
        s.once('error', reject);
        s.bind(port, '127.0.0.1', () => resolve());
      });
  });
});
