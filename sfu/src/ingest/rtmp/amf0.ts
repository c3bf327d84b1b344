// AMF0 (Adobe's Action Message Format, version 0): the encoding of RTMP's commands (connect, publish…) and of
// a stream's metadata (onMetaData). Only the types RTMP encoders send are read; anything else is refused
// rather than guessed at.
export type Amf0Value = number | boolean | string | null | undefined | Amf0Object | Amf0Value[];
export interface Amf0Object {
  [key: string]: Amf0Value;
}

export class Amf0Error extends Error {}

const Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  Null: 0x05,
  Undefined: 0x06,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  Date: 0x0b,
  LongString: 0x0c,
} as const;

class Reader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  need(n: number): void {
    if (this.offset + n > this.buf.length) throw new Amf0Error('AMF0 value cut short');
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  utf8(length: number): string {
    this.need(length);
    const s = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return s;
  }

  get done(): boolean {
    return this.offset >= this.buf.length;
  }

  /** Key/value pairs up to the empty-key + ObjectEnd marker. */
  properties(): Amf0Object {
    const out: Amf0Object = {};
    for (;;) {
      const key = this.utf8(this.u16());
      if (key === '' && this.buf[this.offset] === Marker.ObjectEnd) {
        this.offset++;
        return out;
      }
      out[key] = this.value();
    }
  }

  value(depth = 0): Amf0Value {
    if (depth > 16) throw new Amf0Error('AMF0 nested too deep');
    const marker = this.u8();
    switch (marker) {
      case Marker.Number:
        return this.double();
      case Marker.Boolean:
        return this.u8() !== 0;
      case Marker.String:
        return this.utf8(this.u16());
      case Marker.LongString:
        return this.utf8(this.u32());
      case Marker.Object:
        return this.properties();
      case Marker.EcmaArray:
        this.u32(); // an approximate count; the end marker is what ends it
        return this.properties();
      case Marker.StrictArray: {
        const n = this.u32();
        if (n > 4096) throw new Amf0Error('AMF0 array too long');
        return Array.from({ length: n }, () => this.value(depth + 1));
      }
      case Marker.Null:
        return null;
      case Marker.Undefined:
        return undefined;
      case Marker.Date: {
        const ms = this.double();
        this.u16(); // time zone, unused by the format's own definition
        return ms;
      }
      default:
        throw new Amf0Error(`AMF0 type 0x${marker.toString(16)} is not supported`);
    }
  }
}

/** Every value in the buffer, in order (a command: name, transaction id, command object, arguments…). */
export function decodeAmf0(buf: Buffer): Amf0Value[] {
  const reader = new Reader(buf);
  const values: Amf0Value[] = [];
  while (!reader.done) values.push(reader.value());
  return values;
}

function encodeString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const head = Buffer.alloc(3);
  head.writeUInt8(Marker.String, 0);
  head.writeUInt16BE(bytes.length, 1);
  return Buffer.concat([head, bytes]);
}

function encodeValue(v: Amf0Value): Buffer {
  if (v === null) return Buffer.of(Marker.Null);
  if (v === undefined) return Buffer.of(Marker.Undefined);
  if (typeof v === 'number') {
    const b = Buffer.alloc(9);
    b.writeUInt8(Marker.Number, 0);
    b.writeDoubleBE(v, 1);
    return b;
  }
  if (typeof v === 'boolean') return Buffer.of(Marker.Boolean, v ? 1 : 0);
  if (typeof v === 'string') return encodeString(v);
  if (Array.isArray(v)) {
    const head = Buffer.alloc(5);
    head.writeUInt8(Marker.StrictArray, 0);
    head.writeUInt32BE(v.length, 1);
    return Buffer.concat([head, ...v.map(encodeValue)]);
  }
  const parts: Buffer[] = [Buffer.of(Marker.Object)];
  for (const [key, value] of Object.entries(v)) {
    const name = Buffer.from(key, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(name.length, 0);
    parts.push(len, name, encodeValue(value));
  }
  parts.push(Buffer.of(0, 0, Marker.ObjectEnd));
  return Buffer.concat(parts);
}

export function encodeAmf0(...values: Amf0Value[]): Buffer {
  return Buffer.concat(values.map(encodeValue));
}
