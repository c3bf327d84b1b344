// The payload of an RTP packet (RFC 3550 §5.1): after the fixed header, the CSRCs and the header extension,
// without the padding. Undefined for anything that is not a well-formed RTP packet.
export function rtpPayload(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + ((packet[offset + 2]! << 8) | packet[offset + 3]!) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[end - 1] ?? 0;
  return offset <= end ? packet.subarray(offset, end) : undefined;
}
