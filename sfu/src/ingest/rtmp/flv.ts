// What RTMP's media messages say about themselves (they are FLV tag bodies), and FLV framing to hand them to
// ffmpeg: the file header, and each message as a tag. Video: frame type, codec, AVC packet type, composition
// time (non-zero: frames are reordered, i.e. B-frames); AVC sequence headers carry the profile. Audio: format
// and AAC packet type. Data: @setDataFrame/onMetaData (width, height, frame rate, bitrates).
import { decodeAmf0, encodeAmf0, type Amf0Object } from './amf0.js';

export const FlvTagType = { audio: 8, video: 9, data: 18 } as const;

export interface VideoTag {
  keyframe: boolean;
  /** 7 = AVC (H264); 12 = HEVC in some encoders' extensions; others are legacy codecs. */
  codecId: number;
  /** For AVC: 0 sequence header, 1 NAL units, 2 end of sequence. */
  avcPacketType: number | undefined;
  /** Composition time offset in ms (AVC only): presentation minus decoding time. */
  compositionTime: number;
}

export function readVideoTag(payload: Buffer): VideoTag | undefined {
  if (payload.length < 1) return undefined;
  const codecId = payload[0]! & 0x0f;
  const avc = codecId === 7 && payload.length >= 5;
  return {
    keyframe: payload[0]! >> 4 === 1,
    codecId,
    avcPacketType: avc ? payload[1] : undefined,
    compositionTime: avc ? payload.readIntBE(2, 3) : 0,
  };
}

/** AVCDecoderConfigurationRecord's profile, constraints and level as an SDP profile-level-id ("640028"). */
export function avcProfileLevelId(sequenceHeader: Buffer): string | undefined {
  // 5 bytes of FLV video header, then configurationVersion (1), profile, constraint flags, level.
  if (sequenceHeader.length < 9 || sequenceHeader[5] !== 1) return undefined;
  return sequenceHeader.subarray(6, 9).toString('hex');
}

export interface AudioTag {
  /** 10 = AAC, 2 = MP3, 11 = Speex… */
  soundFormat: number;
  /** AAC: 0 sequence header (AudioSpecificConfig), 1 raw frames. */
  aacPacketType: number | undefined;
}

export function readAudioTag(payload: Buffer): AudioTag | undefined {
  if (payload.length < 1) return undefined;
  const soundFormat = payload[0]! >> 4;
  return { soundFormat, aacPacketType: soundFormat === 10 && payload.length >= 2 ? payload[1] : undefined };
}

/** onMetaData's properties, from an RTMP data message ("@setDataFrame", "onMetaData", {…}) or an FLV one. */
export function readMetadata(payload: Buffer): Amf0Object | undefined {
  try {
    const values = decodeAmf0(payload);
    const at = values.indexOf('onMetaData');
    const meta = at >= 0 ? values[at + 1] : undefined;
    return meta && typeof meta === 'object' && !Array.isArray(meta) ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** An FLV script tag body: onMetaData with the given properties (as a file carries it). */
export function metadataBody(meta: Amf0Object): Buffer {
  return encodeAmf0('onMetaData', meta);
}

export function flvHeader(hasAudio: boolean, hasVideo: boolean): Buffer {
  const b = Buffer.from([0x46, 0x4c, 0x56, 1, 0, 0, 0, 0, 9, 0, 0, 0, 0]);
  b[4] = (hasAudio ? 4 : 0) | (hasVideo ? 1 : 0);
  return b;
}

export function flvTag(type: number, timestamp: number, body: Buffer): Buffer {
  const head = Buffer.alloc(11);
  head[0] = type;
  head.writeUIntBE(body.length, 1, 3);
  head.writeUIntBE(timestamp & 0xffffff, 4, 3);
  head[7] = (timestamp >>> 24) & 0xff;
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(11 + body.length, 0);
  return Buffer.concat([head, body, tail]);
}
