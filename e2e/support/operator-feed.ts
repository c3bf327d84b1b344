// The operator's view of the rooms, from the test process: a signaling connection with the operator's token
// that asks for `watchRooms` and keeps every summary pushed after it, with the time it arrived. Tests read
// what the dashboard reads (per viewer: the layer received and the SFU's bandwidth estimate).
import WebSocket from 'ws';
import {
  SIGNALING_SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  decodeResult,
  decodeServerMessage,
  type RoomSummary,
} from '@inclubit/sfu/protocol';

export interface OperatorFeed {
  /** Every summary received, oldest first, with its arrival time (Date.now()). */
  readonly summaries: { at: number; room: RoomSummary }[];
  close(): void;
}

export async function operatorFeed(baseUrl: string, operatorToken: string): Promise<OperatorFeed> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const socket = new WebSocket(url, [SIGNALING_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${operatorToken}`]);
  const summaries: { at: number; room: RoomSummary }[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const answered = new Promise<void>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const decoded = decodeServerMessage(data.toString());
      if (!decoded.ok) return reject(new Error(`${decoded.code}: ${decoded.message}`));
      const msg = decoded.value;
      const at = Date.now();
      if (msg.type === 'event' && msg.event === 'roomsChanged')
        for (const room of msg.data.rooms) summaries.push({ at, room });
      else if (msg.type === 'response' && msg.id === 1) {
        if (!msg.ok) return reject(new Error(`watchRooms: ${msg.error.code}: ${msg.error.message}`));
        const result = decodeResult('watchRooms', msg.data);
        if (!result.ok) return reject(new Error(`watchRooms: ${result.message}`));
        for (const room of result.value.rooms) summaries.push({ at, room });
        resolve();
      }
    });
  });
  socket.send(JSON.stringify({ type: 'request', id: 1, method: 'watchRooms', data: {} }));
  await answered;
  return { summaries, close: () => socket.close() };
}

/**
 * One line per summary since `since`: each viewer's layer (spatial/temporal of count, ceiling) and the SFU's
 * estimate in kbit/s, for printing next to a failed expectation.
 */
export function describeViewers(feed: OperatorFeed, since: number): string {
  return feed.summaries
    .filter((s) => s.at >= since)
    .map(({ at, room }) => {
      const viewers = room.viewers.map((v) => {
        const layer = v.layer ? `${v.layer.spatial ?? '-'}/${v.layer.temporal ?? '-'}` : 'one layer';
        const estimate = v.estimateBps !== undefined ? `${Math.round(v.estimateBps / 1000)}k` : '?';
        return `${v.peerId.slice(0, 6)} ${layer} est ${estimate} score ${v.score ?? '?'}`;
      });
      return `+${at - since} ms: ${viewers.join(' | ')}`;
    })
    .join('\n');
}
