// What an operator sets per room for cameras that are not a browser page: the RTMP/SRT stream key (made when
// the room's links are first asked for, replaced on demand — the old key stops working at once) and the
// layout of the encoder's picture (projection, swapped eyes), which a browser camera announces itself and an
// encoder cannot. Kept in DATA_DIR (mode 0600), so a camera configured once keeps working across restarts.
// Keys are compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { StreamInfo, type RoomId } from '../protocol/index.js';
import { RoomSettingsFile } from '../store/room-settings-file.js';

const RoomSettings = z.object({ key: z.string().min(1).optional(), stream: StreamInfo.optional() });
type RoomSettings = z.infer<typeof RoomSettings>;

export class IngestSettings {
  private constructor(private readonly rooms: RoomSettingsFile<RoomSettings>) {}

  static async open(dataDir: string): Promise<IngestSettings> {
    return new IngestSettings(
      await RoomSettingsFile.open(path.join(dataDir, 'ingest-settings.json'), RoomSettings),
    );
  }

  /** The room's key, made now if it has none. */
  async keyFor(room: RoomId): Promise<string> {
    return this.rooms.get(room)?.key ?? this.rotate(room);
  }

  /** A new key for the room; the old one no longer opens it. */
  async rotate(room: RoomId): Promise<string> {
    const key = randomBytes(16).toString('base64url');
    await this.rooms.update(room, { key });
    return key;
  }

  /** Whether `key` is the room's current key (a room without one accepts none). */
  check(room: RoomId, key: string): boolean {
    const want = this.rooms.get(room)?.key;
    if (want === undefined) return false;
    const a = Buffer.from(want);
    const b = Buffer.from(key);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** How an encoder's picture in this room is laid out, if an operator said. */
  streamOf(room: RoomId): StreamInfo | undefined {
    return this.rooms.get(room)?.stream;
  }

  setStream(room: RoomId, stream: StreamInfo): Promise<void> {
    return this.rooms.update(room, { stream });
  }
}
