// The recordings on disk: RECORDINGS_DIR/<id>/ holds a recording's segment files and its recording.json
// (RecordingInfo, rewritten atomically at each change). Lists them, resolves a file for download (only names
// the recording lists: no path from a request reaches the disk), deletes, and measures the space they take
// against the quota and what the disk has left.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { ServiceError, notFound } from '../errors.js';
import {
  RecordingId,
  RecordingInfo,
  type RecordingLibrary,
  type RoomId,
  type StreamInfo,
} from '../protocol/index.js';

const MANIFEST = 'recording.json';
const pad = (n: number) => String(n).padStart(2, '0');

/** `20261202-231500` in UTC: the start time as it appears in ids and file names. */
export function stamp(at: number): string {
  const d = new Date(at);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

export class Library {
  constructor(
    readonly dir: string,
    readonly quotaBytes: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** A new recording's folder and first manifest. */
  async create(room: RoomId, stream: StreamInfo, at = Date.now()): Promise<RecordingInfo> {
    const letters = randomBytes(4)
      .toString('base64')
      .replace(/[^a-z0-9]/gi, '')
      .toLowerCase()
      .padEnd(4, '0')
      .slice(0, 4);
    const id = RecordingId.parse(`${room}-${stamp(at)}-${letters}`);
    await mkdir(this.folder(id), { recursive: true });
    const info: RecordingInfo = {
      id,
      room,
      startedAt: at,
      state: 'waiting',
      projection: stream.projection,
      swapEyes: stream.swapEyes,
      segments: [],
    };
    await this.save(info);
    return info;
  }

  folder(id: RecordingId): string {
    return path.join(this.dir, id);
  }

  /** Where a segment of this recording is written: the room, the start, the segment, the 360 tag. */
  segmentBase(info: RecordingInfo, index: number, tag: string, at = Date.now()): string {
    return path.join(this.folder(info.id), `${info.room}_${stamp(at)}_${index + 1}${tag}`);
  }

  async save(info: RecordingInfo): Promise<void> {
    const file = path.join(this.folder(info.id), MANIFEST);
    await writeFile(`${file}.tmp`, `${JSON.stringify(info, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  }

  async get(id: string): Promise<RecordingInfo> {
    const parsed = RecordingId.safeParse(id);
    if (!parsed.success) throw notFound('recording', id);
    try {
      const text = await readFile(path.join(this.folder(parsed.data), MANIFEST), 'utf8');
      return RecordingInfo.parse(JSON.parse(text));
    } catch {
      throw notFound('recording', id);
    }
  }

  /** Every recording whose manifest reads, newest first; what does not read is logged and left alone. */
  async list(): Promise<RecordingInfo[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const infos: RecordingInfo[] = [];
    for (const name of names) {
      if (!RecordingId.safeParse(name).success) continue;
      try {
        infos.push(await this.get(name));
      } catch {
        this.log.warn({ recording: name }, 'a recording folder without a readable manifest; skipped');
      }
    }
    return infos.sort((a, b) => b.startedAt - a.startedAt);
  }

  /** The path of one of the recording's files, if the recording lists it and it exists. */
  async file(id: string, name: string): Promise<string> {
    const info = await this.get(id);
    const listed = info.segments.flatMap((s) => [s.file, s.mp4]).includes(name);
    if (!listed) throw notFound('file', name);
    const full = path.join(this.folder(info.id), name);
    await stat(full).catch(() => {
      throw notFound('file', name);
    });
    return full;
  }

  /** Deletes a recording that is not running. */
  async delete(id: string, running: (id: RecordingId) => boolean): Promise<void> {
    const info = await this.get(id);
    if (running(info.id))
      throw new ServiceError('invalid_state', `recording ${id} is running: stop it first`);
    await rm(this.folder(info.id), { recursive: true, force: true });
    this.log.info({ recording: id, room: info.room }, 'recording deleted');
  }

  /** Bytes under RECORDINGS_DIR. */
  async usedBytes(): Promise<number> {
    let total = 0;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else
          total += await stat(full).then(
            (s) => s.size,
            () => 0,
          );
      }
    };
    await walk(this.dir);
    return total;
  }

  async freeBytes(): Promise<number> {
    await mkdir(this.dir, { recursive: true });
    const s = await statfs(this.dir);
    return s.bavail * s.bsize;
  }

  async summary(): Promise<RecordingLibrary> {
    return {
      recordings: await this.list(),
      usedBytes: await this.usedBytes(),
      quotaBytes: this.quotaBytes,
      freeBytes: await this.freeBytes(),
    };
  }
}
