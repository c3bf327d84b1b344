// Two consecutive free UDP ports on loopback (RTP and RTCP a bridge sends from). Ports below Linux's
// ephemeral range (32768+), so the kernel's own picks for other sockets do not take them meanwhile.
import dgram from 'node:dgram';

const LOW = 20000;
const HIGH = 32000;

function bind(port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** The first of two free consecutive ports (even, as RTP's convention has it). */
export async function freeUdpPortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + 2 * Math.floor((Math.random() * (HIGH - LOW)) / 2);
    const a = await bind(port);
    if (!a) continue;
    const b = await bind(port + 1);
    a.close();
    if (!b) continue;
    b.close();
    return port;
  }
  throw new Error('no free UDP port pair for an ingest bridge');
}
