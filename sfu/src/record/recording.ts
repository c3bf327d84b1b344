// One recording of one room: a segment while the camera sends, the next one when its tracks change (a camera
// reload, a codec change, a source switch close the tracks and publish new ones), waiting while the room has
// no camera. A finished segment is made a 360 file (finalize.ts) beside the next one's writing. The manifest
// (library.ts) is saved at every change, so the dashboard and a restart see what is true.
import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Room } from '../media/room.js';
import { segmentLayout, type RecordingInfo, type RecordingState } from '../protocol/index.js';
import type { Library } from './library.js';
import { SegmentWriter } from './segment-writer.js';
import { finalizeSegment, type Tools } from './finalize.js';
import { sphericalMetadata } from './spherical.js';

export interface RecordingOptions {
  room: Room;
  library: Library;
  info: RecordingInfo;
  tools: Tools;
  log: FastifyBaseLogger;
  /** The recording ended (whatever the reason); its manifest is saved. */
  onEnd: (recording: Recording) => void;
  /**
   * An automatic recording ends when the room's camera has been gone this long (a reload comes back
   * sooner and continues it as a new segment); unset: it waits for the camera as long as it runs.
   */
  endWhenCameraGoneMs?: number;
}

/** Tracks often come one after the other (video, then audio): a segment starts once they have settled. */
const SETTLE_MS = 400;

export class Recording {
  private writer: SegmentWriter | undefined;
  private chain: Promise<void> = Promise.resolve();
  private settle: NodeJS.Timeout | undefined;
  private cameraGone: NodeJS.Timeout | undefined;
  private readonly finishing = new Set<Promise<void>>();
  private readonly unwatch: () => void;
  private done = false;

  constructor(private readonly opts: RecordingOptions) {
    const { room } = opts;
    room.hold();
    room.setRecording(true);
    this.unwatch = room.watch({
      cameraTrack: () => {
        clearTimeout(this.cameraGone);
        this.soon();
      },
      cameraLeft: () => {
        const grace = opts.endWhenCameraGoneMs;
        if (grace !== undefined) {
          clearTimeout(this.cameraGone);
          this.cameraGone = setTimeout(() => void this.stop('finished', 'the camera left'), grace);
        }
        void this.enqueue(async () => {
          await this.endSegment();
          if (this.done) return;
          this.info.state = 'waiting';
          await this.save();
        });
      },
      streamChanged: (stream) => {
        this.info.projection = stream.projection;
        this.info.swapEyes = stream.swapEyes;
        void this.save();
        // A file has one layout for players: a new layout is the next segment's.
        const running = this.info.segments.at(-1);
        const changed = running?.projection !== stream.projection || running.swapEyes !== stream.swapEyes;
        if (this.writer && changed) this.soon();
      },
      closed: () => void this.stop('finished', 'the room closed'),
    });
    if (room.camera?.listProducers().length) this.soon(0);
    opts.log.info({ recording: this.info.id }, 'recording started');
  }

  get info(): RecordingInfo {
    return this.opts.info;
  }

  get pid(): number | undefined {
    return this.writer?.pid;
  }

  /** Ends the recording: the running segment is finished and made 360, the manifest says how it ended. */
  stop(state: Extract<RecordingState, 'finished' | 'stopped' | 'failed'>, reason?: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.done) return;
      this.done = true;
      clearTimeout(this.settle);
      clearTimeout(this.cameraGone);
      this.unwatch();
      await this.endSegment();
      await Promise.all(this.finishing);
      this.info.state = state;
      if (reason) this.info.reason = reason;
      this.info.endedAt = Date.now();
      await this.save();
      this.opts.log.info({ recording: this.info.id, state, reason }, 'recording ended');
      this.opts.room.setRecording(false);
      this.opts.room.release();
      this.opts.onEnd(this);
    });
  }

  private soon(delay = SETTLE_MS): void {
    if (this.done) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      void this.enqueue(async () => {
        await this.endSegment();
        await this.startSegment();
      });
    }, delay);
  }

  /** Segment changes one at a time, in order; a failure is logged and does not stop the ones after. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step).catch((error: unknown) => {
      this.opts.log.error({ err: error, recording: this.info.id }, 'recording step failed');
    });
    this.chain = next;
    return next;
  }

  private async startSegment(): Promise<void> {
    if (this.done) return;
    const { room, library, tools, log } = this.opts;
    const producers = room.camera?.listProducers() ?? [];
    if (producers.length === 0) {
      this.info.state = 'waiting';
      return this.save();
    }
    const index = this.info.segments.length;
    const base = library.segmentBase(this.info, index, sphericalMetadata(this.info).tag);
    const writer = await SegmentWriter.start({
      router: room.home.router,
      producers,
      basePath: base,
      ffmpeg: tools.ffmpeg,
      log,
      onFailed: (reason) => void this.stop('failed', reason),
    });
    this.writer = writer;
    // The camera's tracks end (a reload, a codec change): this segment ends; the next starts with the new ones.
    for (const c of writer.consumers)
      c.observer.once('close', () => {
        if (this.writer === writer) void this.enqueue(() => this.endSegment());
      });
    this.info.segments.push({
      file: path.basename(writer.file),
      projection: this.info.projection,
      swapEyes: this.info.swapEyes,
      startedAt: writer.startedAt,
      codecs: writer.consumers.map((c) => c.rtpParameters.codecs[0]?.mimeType ?? '?'),
      bytes: 0,
    });
    this.info.state = 'recording';
    await this.save();
  }

  /** Finishes the running segment (if any); its 360 metadata and MP4 copy follow in the background. */
  private async endSegment(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    this.writer = undefined;
    const end = await writer.stop();
    const segment = this.info.segments.find((s) => s.file === path.basename(writer.file));
    if (!segment) return;
    segment.endedAt = writer.endedAt ?? Date.now();
    if (!end.ok) segment.error = end.reason;
    segment.bytes = await stat(writer.file).then(
      (s) => s.size,
      () => 0,
    );
    await this.save();
    const stream = segmentLayout(segment, this.info);
    const video = segment.codecs.find((c) => c.startsWith('video/'));
    const finishing = finalizeSegment(writer.file, stream, video, this.opts.tools, { cutShort: !end.ok })
      .then(async ({ mp4 }) => {
        if (mp4) segment.mp4 = path.basename(mp4);
      })
      .catch((error: unknown) => {
        segment.error ??= `its 360 metadata could not be written: ${(error as Error).message}`;
      })
      .then(() => this.save());
    this.finishing.add(finishing);
    void finishing.finally(() => this.finishing.delete(finishing));
  }

  private save(): Promise<void> {
    return this.opts.library.save(this.info).catch((error: unknown) => {
      this.opts.log.error({ err: error, recording: this.info.id }, 'could not save the recording manifest');
    });
  }
}
