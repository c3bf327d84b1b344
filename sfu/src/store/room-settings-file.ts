// Settings an operator makes per room, kept in one JSON file (mode 0600) so they outlive a restart: written
// whole to a temporary file and renamed over the old one, one save after another. A file that is there but
// not valid stops the service with its name: settings are never silently dropped.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RoomId } from '../protocol/index.js';

export class RoomSettingsFile<T extends object> {
  /** Saves run one after another, each writing the map as it is then. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly rooms: Map<string, T>,
  ) {}

  static async open<T extends object>(file: string, schema: z.ZodType<T>): Promise<RoomSettingsFile<T>> {
    let rooms = new Map<string, T>();
    try {
      const stored = z.record(z.string(), schema).parse(JSON.parse(await fs.readFile(file, 'utf8')));
      rooms = new Map(Object.entries(stored));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`${file} is not a valid settings file: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return new RoomSettingsFile(file, rooms);
  }

  get(room: RoomId): T | undefined {
    return this.rooms.get(room);
  }

  /** Every room with settings. */
  entries(): [RoomId, T][] {
    return [...this.rooms] as [RoomId, T][];
  }

  /** Merges `change` into the room's settings and saves; resolves once this change is on disk. */
  update(room: RoomId, change: Partial<T>): Promise<void> {
    this.rooms.set(room, { ...this.rooms.get(room), ...change } as T);
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
