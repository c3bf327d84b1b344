// Picture sizes read from RTP packets that ffmpeg's own packetizers sent (H.264 as x264 writes it in several
// profiles, VP8 and VP9 from libvpx), compared with the size each was encoded at; and what must not pass for
// a size.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { runFfmpeg } from '../../test-support/ffmpeg-push.js';
import { BitReader } from './bit-reader.js';
import { spsPictureSize } from './h264-sps.js';
import { payloadPictureSize, type SizedCodec } from './picture-size.js';
import { rtpPayload } from './rtp-payload.js';

/** Every RTP packet ffmpeg sends for one second of a test picture encoded with `codecArgs` at `size`. */
async function packetsOf(size: string, codecArgs: string[]): Promise<Buffer[]> {
  const socket = createSocket('udp4');
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  const ffmpeg = runFfmpeg([
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=15`],
    ...['-t', '1', ...codecArgs, '-strict', 'experimental', '-f', 'rtp', `rtp://127.0.0.1:${port}`],
  ]);
  const { code, stderr } = await ffmpeg.exited;
  await new Promise((r) => setTimeout(r, 100));
  socket.close();
  expect(code, stderr).toBe(0);
  return packets;
}

const sizes = (codec: SizedCodec, packets: Buffer[]) =>
  packets.flatMap((p) => {
    const payload = rtpPayload(p);
    const size = payload && payloadPictureSize(codec, payload);
    return size ? [`${size.width}x${size.height}`] : [];
  });

describe('picture size from RTP payloads', () => {
  it.each([
    ['Constrained Baseline', '640x320', ['-profile:v', 'baseline']],
    ['High, cropped to 1080 rows', '1920x1080', ['-profile:v', 'high']],
    ['High 4:4:4, odd size', '854x482', ['-pix_fmt', 'yuv444p']],
    ['interlaced (field pictures)', '720x576', ['-flags', '+ilme+ildct', '-x264opts', 'interlaced=1']],
  ])('H.264 %s', async (_, size, args) => {
    const found = sizes(
      'video/H264',
      await packetsOf(size, ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', ...args]),
    );
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set([size]));
  });

  it.each([
    ['video/VP8', 'libvpx', '960x480'],
    ['video/VP9', 'libvpx-vp9', '1000x500'],
  ] as const)('%s key frames', async (codec, encoder, size) => {
    const found = sizes(codec, await packetsOf(size, ['-c:v', encoder, '-deadline', 'realtime', '-g', '5']));
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found)).toEqual(new Set([size]));
  });

  it('reads a VP9 scalability structure (as browsers send it): the largest layer', () => {
    // I=1 (7-bit id), B, V; then N_S=2 (3 layers), Y; three sizes; then no frame bytes needed.
    const ss = [0x8a, 0x05, 0x50, 0x01, 0x40, 0x00, 0xa0, 0x02, 0x80, 0x01, 0x40, 0x05, 0x00, 0x02, 0x80];
    expect(payloadPictureSize('video/VP9', Uint8Array.from(ss))).toEqual({ width: 1280, height: 640 });
  });

  it('takes nothing for a size that is not one: delta frames, other NAL units, truncated headers', () => {
    expect(payloadPictureSize('video/H264', Uint8Array.from([0x41, 0x9a, 0x00]))).toBeUndefined();
    expect(payloadPictureSize('video/H264', Uint8Array.from([0x67, 0x42]))).toBeUndefined();
    expect(payloadPictureSize('video/VP8', Uint8Array.from([0x10, 0x01, 0x00, 0x00]))).toBeUndefined();
    expect(payloadPictureSize('video/VP9', Uint8Array.from([0x08, 0x82]))).toBeUndefined();
    expect(spsPictureSize(Uint8Array.from([0x68, 1, 2, 3, 4]))).toBeUndefined();
    expect(rtpPayload(Uint8Array.from([0x40, 0, 0, 0]))).toBeUndefined();
  });

  it('reads Exp-Golomb codes and refuses to read past the end', () => {
    // 1 → 0; 010 → 1; 011 → 2; 00100 → 3; then se: 010 → +1, 011 → −1.
    const r = new BitReader(Uint8Array.from([0b10100110, 0b01000100, 0b11000000]));
    expect([r.ue(), r.ue(), r.ue(), r.ue(), r.se(), r.se()]).toEqual([0, 1, 2, 3, 1, -1]);
    expect(() => new BitReader(Uint8Array.from([0])).ue()).toThrow(RangeError);
  });
});
