// SRT handshake packets (draft-sharabayko-srt §3.2.1), as far as a listener in front of another one needs
// them: the control header, the handshake's fixed fields, and its extensions (the Stream ID, whose bytes
// travel in 32-bit words with each word's bytes reversed). Everything else in a packet is left as it is.

/** Control packet header (16 bytes), then the handshake's fields at these offsets. */
const OFFSET = {
  destinationSocket: 12,
  version: 16,
  encryption: 20,
  extension: 22,
  type: 36,
  socketId: 40,
  cookie: 44,
  extensions: 64,
} as const;

export const HandshakeType = { induction: 1, conclusion: 0xffffffff } as const;
export const SRT_MAGIC = 0x4a17;
const EXT_SID = 5;

/** Rejection reasons a listener may answer with (SRT_REJX_*: 1000 + an HTTP-like status). */
export const Reject = {
  badRequest: 1400,
  unauthorized: 1401,
  notFound: 1404,
  conflict: 1409,
  unavailable: 1503,
} as const;

export interface Handshake {
  type: number;
  socketId: number;
  cookie: number;
  /** The Stream ID extension, if the caller sent one. */
  streamId: string | undefined;
}

/** The handshake in a packet, or undefined when it is not one (a data packet, another control packet). */
export function readHandshake(packet: Buffer): Handshake | undefined {
  if (packet.length < OFFSET.extensions) return undefined;
  const word0 = packet.readUInt32BE(0);
  const control = word0 >>> 31 === 1;
  if (!control || ((word0 >>> 16) & 0x7fff) !== 0) return undefined;
  return {
    type: packet.readUInt32BE(OFFSET.type),
    socketId: packet.readUInt32BE(OFFSET.socketId),
    cookie: packet.readUInt32BE(OFFSET.cookie),
    streamId: readStreamId(packet),
  };
}

function readStreamId(packet: Buffer): string | undefined {
  for (let at = OFFSET.extensions; at + 4 <= packet.length;) {
    const type = packet.readUInt16BE(at);
    const length = packet.readUInt16BE(at + 2) * 4;
    if (at + 4 + length > packet.length) return undefined;
    if (type === EXT_SID) {
      const words = Buffer.from(packet.subarray(at + 4, at + 4 + length));
      words.swap32();
      return words.toString('utf8').replace(/\0+$/, '');
    }
    at += 4 + length;
  }
  return undefined;
}

/** The listener's answer to an induction: version 5, the SRT magic, our cookie, to the caller's socket. */
export function inductionResponse(induction: Buffer, cookie: number, listenerSocketId: number): Buffer {
  const out = Buffer.from(induction.subarray(0, OFFSET.extensions));
  out.writeUInt32BE(induction.readUInt32BE(OFFSET.socketId), OFFSET.destinationSocket);
  out.writeUInt32BE(5, OFFSET.version);
  out.writeUInt16BE(0, OFFSET.encryption);
  out.writeUInt16BE(SRT_MAGIC, OFFSET.extension);
  out.writeUInt32BE(listenerSocketId, OFFSET.socketId);
  out.writeUInt32BE(cookie >>> 0, OFFSET.cookie);
  return out;
}

/** A conclusion refused with `reason` (Reject): the caller stops and reports the code. */
export function rejection(conclusion: Buffer, reason: number): Buffer {
  const out = Buffer.from(conclusion.subarray(0, OFFSET.extensions));
  out.writeUInt32BE(conclusion.readUInt32BE(OFFSET.socketId), OFFSET.destinationSocket);
  out.writeUInt32BE(reason, OFFSET.type);
  out.writeUInt16BE(0, OFFSET.extension);
  out.writeUInt32BE(0, OFFSET.socketId);
  return out;
}

/** The same handshake with another cookie (the one the listener behind us baked). */
export function withCookie(packet: Buffer, cookie: number): Buffer {
  const out = Buffer.from(packet);
  out.writeUInt32BE(cookie >>> 0, OFFSET.cookie);
  return out;
}
