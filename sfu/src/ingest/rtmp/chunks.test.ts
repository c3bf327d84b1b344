// The chunk stream and AMF0 as a server reads them: messages cut at any byte, interleaved chunk streams,
// extended timestamps, header compression (formats 1–3), and what cannot be RTMP.
import { describe, expect, it } from 'vitest';
import { decodeAmf0, encodeAmf0 } from './amf0.js';
import { ChunkError, ChunkReader, writeMessage, type RtmpMessage } from './chunks.js';

const msg = (typeId: number, timestamp: number, size: number, streamId = 1): RtmpMessage => ({
  typeId,
  streamId,
  timestamp,
  payload: Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + typeId) & 0xff)),
});

describe('ChunkReader', () => {
  it('reassembles messages fed one byte at a time, with extended timestamps', () => {
    const sent = [msg(20, 0, 300, 0), msg(9, 0x1234567, 9000), msg(8, 0xffffff + 5, 10)];
    const bytes = Buffer.concat(sent.map((m) => writeMessage(m.typeId === 9 ? 6 : 4, 128, m)));
    const reader = new ChunkReader();
    const got: RtmpMessage[] = [];
    for (const b of bytes) got.push(...reader.push(Buffer.of(b)));
    expect(got).toEqual(sent);
  });

  it('follows Set Chunk Size, and formats 1-3 inheriting the previous header and delta', () => {
    const reader = new ChunkReader();
    reader.chunkSize = 4096;
    // fmt 0 at t=1000 (6 bytes), fmt 2 delta 40 (same length/type), fmt 3 (delta again): 1000, 1040, 1080.
    const first = writeMessage(7, 4096, {
      typeId: 9,
      streamId: 1,
      timestamp: 1000,
      payload: Buffer.alloc(6, 1),
    });
    const fmt2 = Buffer.concat([Buffer.of(0x80 | 7, 0, 0, 40), Buffer.alloc(6, 2)]);
    const fmt3 = Buffer.concat([Buffer.of(0xc0 | 7), Buffer.alloc(6, 3)]);
    const got = reader.push(Buffer.concat([first, fmt2, fmt3]));
    expect(got.map((m) => [m.timestamp, m.payload[0], m.typeId, m.streamId])).toEqual([
      [1000, 1, 9, 1],
      [1040, 2, 9, 1],
      [1080, 3, 9, 1],
    ]);
  });

  it('refuses a chunk stream that starts without a full header, and oversized messages', () => {
    expect(() => new ChunkReader().push(Buffer.of(0x83, 0, 0, 0))).toThrow(ChunkError);
    const huge = Buffer.of(0x03, 0, 0, 0, 0xff, 0xff, 0xff, 9, 1, 0, 0, 0);
    expect(() => new ChunkReader().push(huge)).toThrow(/too large/);
  });
});

describe('AMF0', () => {
  it('round-trips a connect command and reads ECMA arrays (onMetaData)', () => {
    const cmd = ['connect', 1, { app: 'live/room', tcUrl: 'rtmp://h/live/room', fpad: false, n: null }];
    expect(decodeAmf0(encodeAmf0(...cmd))).toEqual(cmd);
    // @setDataFrame, onMetaData, ECMA array { width: 640 }
    const ecma = Buffer.concat([
      encodeAmf0('@setDataFrame', 'onMetaData'),
      Buffer.of(0x08, 0, 0, 0, 1, 0, 5),
      Buffer.from('width'),
      encodeAmf0(640),
      Buffer.of(0, 0, 9),
    ]);
    expect(decodeAmf0(ecma)).toEqual(['@setDataFrame', 'onMetaData', { width: 640 }]);
  });

  it('refuses types it does not read and values cut short', () => {
    expect(() => decodeAmf0(Buffer.of(0x11))).toThrow(/not supported/);
    expect(() => decodeAmf0(Buffer.of(0x02, 0, 9, 0x41))).toThrow(/cut short/);
  });
});
