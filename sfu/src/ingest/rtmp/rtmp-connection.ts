// One encoder's RTMP connection, as a publisher: the handshake (the plain one: C0/C1 → S0/S1/S2 → C2; the
// server's version field is 0, which tells clients not to look for Flash-player digests), then the commands
// a publisher sends — connect, releaseStream/FCPublish, createStream, publish — and then its media messages.
// Whether the publication is accepted is the caller's (the stream key); this file knows only RTMP.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { decodeAmf0, encodeAmf0, type Amf0Value } from './amf0.js';
import { ChunkReader, writeMessage, type RtmpMessage } from './chunks.js';

const HANDSHAKE = 1536;
const OUT_CHUNK_SIZE = 4096;
const WINDOW_ACK_SIZE = 2_500_000;
const STREAM_ID = 1;

export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Ack: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf0: 18,
  CommandAmf0: 20,
} as const;
type MessageType = (typeof MessageType)[keyof typeof MessageType];

export interface PublishRequest {
  /** The connect's app and the publish's name joined: "live/<room>/<key>" whichever way the client split it. */
  path: string;
  /** Query parameters of either part (a client may pass "?projection=…" on the URL). */
  query: URLSearchParams;
  remote: string;
  /** Ends the connection from the server's side (the room removed its camera). */
  disconnect: (reason: string) => void;
}

/** What an accepted publication receives. */
export interface PublishSink {
  media(msg: RtmpMessage): void;
  end(reason: string): void;
}

export interface RtmpConnectionOptions {
  socket: Socket;
  /** Accepts (a sink for the media) or refuses (an Error whose message the client is told) a publication. */
  onPublish: (req: PublishRequest) => Promise<PublishSink>;
  /** Protocol errors and refusals, for the service's log. */
  onError: (message: string) => void;
}

type State = 'c0c1' | 'c2' | 'chunks' | 'closed';

export class RtmpConnection {
  private state: State = 'c0c1';
  private pending: Buffer = Buffer.alloc(0);
  private readonly reader = new ChunkReader();
  private app = '';
  private sink: PublishSink | undefined;
  private publishing = false;
  private received = 0;
  private acked = 0;
  private peerWindow = WINDOW_ACK_SIZE;
  /** Messages arrive in order; publish is async (the key is checked), so they queue behind it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RtmpConnectionOptions) {
    const { socket } = opts;
    socket.setNoDelay(true);
    socket.on('data', (data) => this.onData(data));
    socket.on('close', () => this.close('the encoder disconnected'));
    socket.on('error', () => this.close('connection error'));
  }

  private onData(data: Buffer): void {
    if (this.state === 'closed') return;
    this.received += data.length;
    try {
      if (this.state !== 'chunks') return this.handshake(data);
      this.acknowledge();
      for (const msg of this.reader.push(data)) {
        this.queue = this.queue
          .then(() => this.onMessage(msg))
          .catch((error: unknown) => this.fail((error as Error).message));
      }
    } catch (error) {
      this.fail((error as Error).message);
    }
  }

  private handshake(data: Buffer): void {
    this.pending = Buffer.concat([this.pending, data]);
    if (this.state === 'c0c1') {
      if (this.pending.length < 1 + HANDSHAKE) return;
      if (this.pending[0] !== 3)
        throw new Error(`RTMP version ${this.pending[0]} is not 3 (not an RTMP client?)`);
      const c1 = this.pending.subarray(1, 1 + HANDSHAKE);
      const s1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE - 8)]);
      s1.writeUInt32BE(Math.floor(performance.now()) >>> 0, 0);
      this.opts.socket.write(Buffer.concat([Buffer.of(3), s1, c1]));
      this.pending = this.pending.subarray(1 + HANDSHAKE);
      this.state = 'c2';
    }
    if (this.state === 'c2' && this.pending.length >= HANDSHAKE) {
      const rest = this.pending.subarray(HANDSHAKE);
      this.pending = Buffer.alloc(0);
      this.state = 'chunks';
      this.received = rest.length;
      if (rest.length > 0) this.onData(rest);
    }
  }

  /** The client asked to be told of our receipt every `peerWindow` bytes (Window Acknowledgement Size). */
  private acknowledge(): void {
    if (this.received - this.acked < this.peerWindow) return;
    this.acked = this.received;
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(this.received >>> 0, 0);
    this.send(2, { typeId: MessageType.Ack, streamId: 0, timestamp: 0, payload });
  }

  private async onMessage(msg: RtmpMessage): Promise<void> {
    if (this.state === 'closed') return;
    switch (msg.typeId) {
      case MessageType.SetChunkSize: {
        const size = msg.payload.readUInt32BE(0) & 0x7fffffff;
        if (size < 1) throw new Error('chunk size 0');
        this.reader.chunkSize = size;
        return;
      }
      case MessageType.WindowAckSize:
        this.peerWindow = Math.max(4096, msg.payload.readUInt32BE(0));
        return;
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAmf0:
        if (this.publishing) this.sink?.media(msg);
        return;
      case MessageType.CommandAmf0:
        return this.command(decodeAmf0(msg.payload), msg.streamId);
      default:
        return; // acknowledgements, user control (ping), aborts: nothing to do for a publisher
    }
  }

  private async command(values: Amf0Value[], streamId: number): Promise<void> {
    const [name, txId] = values;
    const tx = typeof txId === 'number' ? txId : 0;
    switch (name) {
      case 'connect': {
        const obj = values[2];
        const app = obj && typeof obj === 'object' && !Array.isArray(obj) ? obj.app : undefined;
        this.app = typeof app === 'string' ? app : '';
        this.control(MessageType.WindowAckSize, WINDOW_ACK_SIZE);
        this.control(MessageType.SetPeerBandwidth, WINDOW_ACK_SIZE, 2);
        this.control(MessageType.SetChunkSize, OUT_CHUNK_SIZE);
        this.invoke(
          0,
          '_result',
          tx,
          { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
          { level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.' },
        );
        return;
      }
      case 'createStream':
        this.invoke(0, '_result', tx, null, STREAM_ID);
        return;
      case 'publish':
        return this.publish(typeof values[3] === 'string' ? values[3] : '', streamId);
      case 'FCUnpublish':
      case 'deleteStream':
      case 'closeStream':
        if (this.publishing) this.close('the encoder stopped publishing');
        return;
      default:
        return; // releaseStream, FCPublish, _checkbw…: no answer is expected of a server that does not use them
    }
  }

  private async publish(name: string, streamId: number): Promise<void> {
    if (this.publishing || this.sink) return this.fail('a second publish on one connection');
    const [appPath = '', appQuery = ''] = this.app.split('?', 2);
    const [namePath = '', nameQuery = ''] = name.split('?', 2);
    const path = [appPath, namePath].filter((p) => p !== '').join('/');
    const query = new URLSearchParams([appQuery, nameQuery].filter((q) => q !== '').join('&'));
    const remote = `${this.opts.socket.remoteAddress}:${this.opts.socket.remotePort}`;
    try {
      this.sink = await this.opts.onPublish({ path, query, remote, disconnect: (r) => this.close(r) });
    } catch (error) {
      const description = (error as Error).message;
      // The caller logs the refusal; the encoder is told why.
      this.status(streamId, 'error', 'NetStream.Publish.BadName', description);
      this.state = 'closed';
      this.opts.socket.end();
      return;
    }
    if (this.state === 'closed') return this.sink.end('the encoder disconnected');
    this.publishing = true;
    this.status(streamId, 'status', 'NetStream.Publish.Start', `${name.split('?')[0]} is now published.`);
  }

  private status(streamId: number, level: string, code: string, description: string): void {
    this.invoke(streamId, 'onStatus', 0, null, { level, code, description });
  }

  private invoke(streamId: number, ...values: Amf0Value[]): void {
    const payload = encodeAmf0(...values);
    this.send(streamId === 0 ? 3 : 5, { typeId: MessageType.CommandAmf0, streamId, timestamp: 0, payload });
  }

  private control(typeId: MessageType, value: number, extra?: number): void {
    const payload = Buffer.alloc(extra === undefined ? 4 : 5);
    payload.writeUInt32BE(value, 0);
    if (extra !== undefined) payload.writeUInt8(extra, 4);
    this.send(2, { typeId, streamId: 0, timestamp: 0, payload });
  }

  private send(csid: number, msg: RtmpMessage): void {
    // The Set Chunk Size we send applies from the next message on; it itself fits any chunk size.
    const size = msg.typeId === MessageType.SetChunkSize ? 128 : this.sentChunkSize;
    this.opts.socket.write(writeMessage(csid, size, msg));
    if (msg.typeId === MessageType.SetChunkSize) this.sentChunkSize = msg.payload.readUInt32BE(0);
  }

  private sentChunkSize = 128;

  private fail(message: string): void {
    if (this.state === 'closed') return;
    this.opts.onError(message);
    this.close(`protocol error: ${message}`);
  }

  /** Idempotent: ends the connection and the publication. */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.opts.socket.destroy();
    const sink = this.sink;
    this.sink = undefined;
    this.publishing = false;
    sink?.end(reason);
  }
}
