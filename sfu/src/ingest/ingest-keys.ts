// Stream keys for RTMP and SRT cameras: one per room, made when an operator first asks for the room's links,
// kept in DATA_DIR (mode 0600) so a camera configured once keeps working across restarts, and replaced on
// demand (the old key stops working at once). Compared in constant time.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RoomId } from '../protocol/index.js';

const Stored = z.record(z.string(), z.string());

export class IngestKeys {
  private constructor(
    private readonly file: string,
    private readonly keys: Map<string, string>,
  ) {}

  static async open(dataDir: string): Promise<IngestKeys> {
    const file = path.join(dataDir, 'ingest-keys.json');
    let keys = new Map<string, string>();
    try {
      keys = new Map(Object.entries(Stored.parse(JSON.parse(await fs.readFile(file, 'utf8')))));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`${file} is not a valid key file: ${(error as Error).message}`, { cause: error });
      }
    }
    return new IngestKeys(file, keys);
  }

  /** The room's key, made now if it has none. */
  async keyFor(room: RoomId): Promise<string> {
    return this.keys.get(room) ?? this.rotate(room);
  }

  /** A new key for the room; the old one no longer opens it. */
  async rotate(room: RoomId): Promise<string> {
    const key = randomBytes(16).toString('base64url');
    this.keys.set(room, key);
    await this.save();
    return key;
  }

  /** Whether `key` is the room's current key (a room without one accepts none). */
  check(room: RoomId, key: string): boolean {
    const want = this.keys.get(room);
    if (want === undefined) return false;
    const a = Buffer.from(want);
    const b = Buffer.from(key);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Saves run one after another, each writing the map as it is then. */
  private saving: Promise<void> = Promise.resolve();

  private save(): Promise<void> {
    this.saving = this.saving.catch(() => {}).then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(Object.fromEntries(this.keys), null, 1), { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }
}
