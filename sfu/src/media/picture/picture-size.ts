// The picture size a video stream declares, read from single RTP payloads: H.264's sequence parameter set
// (RFC 6184: a single NAL unit or an aggregate, STAP-A), a VP8 key frame (RFC 7741, RFC 6386 §9.1) and a VP9
// key frame (its scalability structure, or the frame's own header). An encoder sends these with every key
// frame, so a probe that asks for one learns the size of any WebRTC source.
import { BitReader } from './bit-reader.js';
import { spsPictureSize, type PictureSize } from './h264-sps.js';

export type { PictureSize };

export type SizedCodec = 'video/H264' | 'video/VP8' | 'video/VP9';

export function isSizedCodec(mimeType: string): mimeType is SizedCodec {
  return ['video/h264', 'video/vp8', 'video/vp9'].includes(mimeType.toLowerCase());
}

/** The size this payload declares, or undefined when it declares none (not a key frame's first packet). */
export function payloadPictureSize(codec: SizedCodec, payload: Uint8Array): PictureSize | undefined {
  try {
    switch (codec.toLowerCase()) {
      case 'video/h264':
        return h264Size(payload);
      case 'video/vp8':
        return vp8Size(payload);
      default:
        return vp9Size(payload);
    }
  } catch (e) {
    if (e instanceof RangeError) return undefined; // a truncated header
    throw e;
  }
}

function h264Size(payload: Uint8Array): PictureSize | undefined {
  const type = (payload[0] ?? 0) & 0x1f;
  if (type === 7) return spsPictureSize(payload);
  if (type !== 24) return undefined;
  // STAP-A: NAL units, each after its 16-bit size.
  for (let i = 1; i + 2 < payload.length;) {
    const size = (payload[i]! << 8) | payload[i + 1]!;
    const nal = payload.subarray(i + 2, i + 2 + size);
    if (nal.length === size && ((nal[0] ?? 0) & 0x1f) === 7) return spsPictureSize(nal);
    i += 2 + size;
  }
  return undefined;
}

function vp8Size(payload: Uint8Array): PictureSize | undefined {
  const r = new BitReader(payload);
  const extended = r.flag();
  r.u(2); // R, N
  const start = r.flag();
  r.u(1);
  const partition = r.u(3);
  if (!start || partition !== 0) return undefined;
  let offset = 1;
  if (extended) {
    const x = payload[offset++] ?? 0;
    if (x & 0x80) offset += (payload[offset] ?? 0) & 0x80 ? 2 : 1; // picture id, 7 or 15 bits
    if (x & 0x40) offset += 1; // TL0PICIDX
    if (x & 0x30) offset += 1; // TID / KEYIDX
  }
  const frame = payload.subarray(offset);
  // Frame tag: bit 0 is 0 for a key frame, which carries its start code and size next.
  if (frame.length < 10 || (frame[0]! & 1) !== 0) return undefined;
  if (frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return undefined;
  const width = (frame[6]! | (frame[7]! << 8)) & 0x3fff;
  const height = (frame[8]! | (frame[9]! << 8)) & 0x3fff;
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function vp9Size(payload: Uint8Array): PictureSize | undefined {
  const r = new BitReader(payload);
  const [hasPictureId, interPicture, hasLayers, flexible, start] = [
    r.flag(),
    r.flag(),
    r.flag(),
    r.flag(),
    r.flag(),
  ];
  r.u(1); // E
  const hasStructure = r.flag();
  r.u(1); // Z
  if (hasPictureId && r.flag()) r.u(15);
  else if (hasPictureId) r.u(7);
  if (hasLayers) r.u(flexible ? 8 : 16);
  if (flexible && interPicture) {
    // Up to three reference indices, each with a "one more follows" bit.
    for (let more = true, n = 0; more && n < 3; n++) {
      r.u(7);
      more = r.flag();
    }
  }
  if (hasStructure) {
    const layers = r.u(3) + 1;
    const hasSizes = r.flag();
    r.u(4); // G, reserved
    if (hasSizes) {
      let largest: PictureSize | undefined;
      for (let i = 0; i < layers; i++) {
        const size = { width: r.u(16), height: r.u(16) };
        if (!largest || size.width > largest.width) largest = size;
      }
      if (largest && largest.width > 0 && largest.height > 0) return largest;
    }
    return undefined;
  }
  if (!start || interPicture) return undefined;
  return vp9FrameHeaderSize(payload.subarray(r.position / 8));
}

/** The size in a VP9 key frame's uncompressed header (VP9 bitstream specification §6.2). */
function vp9FrameHeaderSize(frame: Uint8Array): PictureSize | undefined {
  const r = new BitReader(frame);
  if (r.u(2) !== 2) return undefined; // frame_marker
  const profile = r.u(1) | (r.u(1) << 1);
  if (profile === 3) r.u(1);
  if (r.flag()) return undefined; // show_existing_frame
  if (r.u(1) !== 0) return undefined; // not a key frame
  r.u(2); // show_frame, error_resilient_mode
  if (r.u(24) !== 0x498342) return undefined; // sync code
  if (profile >= 2) r.u(1); // ten_or_twelve_bit
  const colorSpace = r.u(3);
  if (colorSpace !== 7) {
    r.u(1); // color_range
    if (profile === 1 || profile === 3) r.u(3); // subsampling_x, subsampling_y, reserved_zero
  } else if (profile === 1 || profile === 3) r.u(1);
  return { width: r.u(16) + 1, height: r.u(16) + 1 };
}
