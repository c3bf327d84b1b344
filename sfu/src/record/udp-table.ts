// This host's UDP sockets as the kernel lists them (/proc/net/udp): whether a loopback port is bound (ffmpeg
// listening for RTP yet) and how many bytes wait in its receive queue (how fast it takes what is sent to it).
import { readFile } from 'node:fs/promises';

interface UdpSocketRow {
  port: number;
  /** Bytes queued for the socket's reader (the kernel's count, with its own overhead per datagram). */
  receiveQueue: number;
}

function rows(table: string): UdpSocketRow[] {
  const found: UdpSocketRow[] = [];
  for (const line of table.split('\n').slice(1)) {
    // "sl local_address rem_address st tx_queue:rx_queue ...", addresses and queues in hex
    const [, local, , , queues] = line.trim().split(/\s+/);
    const port = local?.split(':')[1];
    const receive = queues?.split(':')[1];
    if (port === undefined || receive === undefined) continue;
    found.push({ port: parseInt(port, 16), receiveQueue: parseInt(receive, 16) });
  }
  return found;
}

/** The sockets bound to `port` (any address), read now. */
export async function udpSockets(port: number): Promise<UdpSocketRow[]> {
  return rows(await readFile('/proc/net/udp', 'utf8')).filter((r) => r.port === port);
}

/** Whether something on this host has UDP `port` bound. */
export async function udpBound(port: number): Promise<boolean> {
  return (await udpSockets(port)).length > 0;
}

/** The bytes waiting in the receive queue of the socket bound to `port` (0 when none is). */
export async function udpReceiveQueue(port: number): Promise<number> {
  return (await udpSockets(port)).reduce((sum, r) => sum + r.receiveQueue, 0);
}
