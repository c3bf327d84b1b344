// What an operator sets per room for cameras that are not a browser page: the RTMP/SRT stream key (made when
// the room's links are first asked for, replaced on demand — the old key stops working at once) and the
// layout of the encoder's picture (projection, swapped eyes), which a browser camera announces itself and an
// encoder cannot. Kept in DATA_DIR (mode 0600), so a camera configured once keeps working across restarts.
// Keys are compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { StreamInfo, type RoomId } from '../protocol/index.js';

const RoomSettings = z.object({ key: z.string().min(1).optional(), stream: StreamInfo.optional() });
type RoomSettings = z.infer<typeof RoomSettings>;
const Stored = z.record(z.string(), RoomSettings);

export class IngestSettings {
  /** Saves run one after another, each writing the map as it is then. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly rooms: Map<string, RoomSettings>,
  ) {}

  static async open(dataDir: string): Promise<IngestSettings> {
    const file = path.join(dataDir, 'ingest-settings.json');
    let rooms = new Map<string, RoomSettings>();
    try {
      rooms = new Map(Object.entries(Stored.parse(JSON.parse(await fs.readFile(file, 'utf8')))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`${file} is not a valid settings file: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return new IngestSettings(file, rooms);
  }

  /** The room's key, made now if it has none. */
  async keyFor(room: RoomId): Promise<string> {
    return this.rooms.get(room)?.key ?? this.rotate(room);
  }

  /** A new key for the room; the old one no longer opens it. */
  async rotate(room: RoomId): Promise<string> {
    const key = randomBytes(16).toString('base64url');
    await this.update(room, { key });
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
    return this.update(room, { stream });
  }

  private update(room: RoomId, change: RoomSettings): Promise<void> {
    this.rooms.set(room, { ...this.rooms.get(room), ...change });
    this.saving = this.saving.catch(() => {}).then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(Object.fromEntries(this.rooms), null, 1), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }
}
