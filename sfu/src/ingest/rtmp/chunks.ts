// RTMP's chunk stream (the RTMP specification, section 5.3): messages cut into chunks of an agreed size, each
// chunk headed by its chunk stream id and as much of the message header as differs from the previous chunk on
// that chunk stream (formats 0–3), timestamps past 24 bits in an extended field. ChunkReader turns received
// bytes back into messages; writeMessage does the reverse for what the server sends.

export interface RtmpMessage {
  typeId: number;
  /** The message stream (0: the connection's own commands; the id createStream returned: the stream's). */
  streamId: number;
  /** Milliseconds, as the encoder stamped them (wraps at 2^32). */
  timestamp: number;
  payload: Buffer;
}

export class ChunkError extends Error {}

interface ChunkStreamState {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  /** The last header had an extended timestamp, so its format-3 continuations carry one too. */
  extended: boolean;
  /** The message being assembled, if one is. */
  parts: Buffer[];
  received: number;
}

/** Largest message accepted: a 4K keyframe at high bitrate is a megabyte or two. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export class ChunkReader {
  /** Set by the peer's Set Chunk Size (message type 1). */
  chunkSize = 128;
  private buf: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, ChunkStreamState>();

  /** Feeds bytes; returns the messages they complete. Throws ChunkError on a stream that cannot be RTMP. */
  push(data: Buffer): RtmpMessage[] {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const out: RtmpMessage[] = [];
    for (;;) {
      const used = this.readChunk(out);
      if (used === 0) break;
      this.buf = this.buf.subarray(used);
    }
    return out;
  }

  /** Bytes consumed by one whole chunk at the buffer's start, 0 if it has not all arrived. */
  private readChunk(out: RtmpMessage[]): number {
    const b = this.buf;
    if (b.length < 1) return 0;
    const fmt = b[0]! >> 6;
    let csid = b[0]! & 0x3f;
    let at = 1;
    if (csid === 0) {
      if (b.length < 2) return 0;
      csid = 64 + b[1]!;
      at = 2;
    } else if (csid === 1) {
      if (b.length < 3) return 0;
      csid = 64 + b[1]! + b[2]! * 256;
      at = 3;
    }
    const headerBytes = [11, 7, 3, 0][fmt]!;
    if (b.length < at + headerBytes) return 0;
    const prev = this.streams.get(csid);
    if (fmt !== 0 && !prev) throw new ChunkError(`chunk stream ${csid} starts without a full header`);
    const s: ChunkStreamState = prev ?? {
      timestamp: 0,
      delta: 0,
      length: 0,
      typeId: 0,
      streamId: 0,
      extended: false,
      parts: [],
      received: 0,
    };
    let stamp = 0;
    let extended = s.extended;
    if (fmt <= 2) {
      stamp = b.readUIntBE(at, 3);
      extended = stamp === 0xffffff;
    }
    if (fmt <= 1) {
      const length = b.readUIntBE(at + 3, 3);
      if (length > MAX_MESSAGE_BYTES) throw new ChunkError(`message of ${length} bytes is too large`);
      if (s.received > 0 && length !== s.length) throw new ChunkError('message header changed mid-message');
      s.length = length;
      s.typeId = b[at + 6]!;
    }
    if (fmt === 0) s.streamId = b.readUInt32LE(at + 7);
    at += headerBytes;
    if (extended) {
      if (b.length < at + 4) return 0;
      stamp = b.readUInt32BE(at);
      at += 4;
    }
    const take = Math.min(this.chunkSize, s.length - s.received);
    if (b.length < at + take) return 0;

    // The whole chunk is here: commit its header.
    s.extended = extended;
    if (s.received === 0) {
      if (fmt === 0) s.timestamp = stamp;
      else {
        if (fmt !== 3) s.delta = stamp;
        s.timestamp = (s.timestamp + s.delta) >>> 0;
      }
    }
    this.streams.set(csid, s);
    s.parts.push(b.subarray(at, at + take));
    s.received += take;
    if (s.received === s.length) {
      const payload = s.parts.length === 1 ? Buffer.from(s.parts[0]!) : Buffer.concat(s.parts);
      out.push({ typeId: s.typeId, streamId: s.streamId, timestamp: s.timestamp, payload });
      s.parts = [];
      s.received = 0;
    }
    return at + take;
  }
}

/** One message as format-0 and format-3 chunks of `chunkSize`, on chunk stream `csid` (2–63). */
export function writeMessage(csid: number, chunkSize: number, msg: RtmpMessage): Buffer {
  const extended = msg.timestamp >= 0xffffff;
  const header = Buffer.alloc(12 + (extended ? 4 : 0));
  header[0] = csid;
  header.writeUIntBE(extended ? 0xffffff : msg.timestamp, 1, 3);
  header.writeUIntBE(msg.payload.length, 4, 3);
  header[7] = msg.typeId;
  header.writeUInt32LE(msg.streamId, 8);
  if (extended) header.writeUInt32BE(msg.timestamp, 12);
  const parts: Buffer[] = [header];
  for (let at = 0; at < msg.payload.length || at === 0; at += chunkSize) {
    if (at > 0) {
      parts.push(Buffer.of(0xc0 | csid));
      if (extended) parts.push(header.subarray(12));
    }
    parts.push(msg.payload.subarray(at, at + chunkSize));
    if (msg.payload.length === 0) break;
  }
  return Buffer.concat(parts);
}
