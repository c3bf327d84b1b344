// The RTMP or SRT cameras live now, by room, and how one starts: the room and key its URL names are checked,
// it joins the room as the camera (a second source is refused here), and its bridge starts (PlainIngest).
// A refusal is logged with the room's id and thrown for the protocol to tell the encoder.
import type { FastifyBaseLogger } from 'fastify';
import type { RoomId, StreamInfo } from '../protocol/index.js';
import type { RoomRegistry } from '../media/room-registry.js';
import { ServiceError } from '../errors.js';
import type { IngestSettings } from './ingest-settings.js';
import { PlainIngest } from './plain-ingest.js';
import type { StreamFeed } from './stream-feed.js';

/** What every RTMP/SRT ingest needs of the service. */
export interface BridgeSettings {
  rooms: RoomRegistry;
  settings: IngestSettings;
  log: FastifyBaseLogger;
  ffmpeg: string;
  reencodeKbps: number;
}

export interface IngestTarget {
  room: RoomId;
  key: string;
  /** The layout the URL names, if it does. */
  stream: StreamInfo | undefined;
}

export class LiveIngests {
  private readonly live = new Map<RoomId, PlainIngest>();

  constructor(
    private readonly kind: 'rtmp' | 'srt',
    private readonly opts: BridgeSettings,
  ) {}

  /** The room's live ingest of this kind, if it has one. */
  of(room: RoomId): PlainIngest | undefined {
    return this.live.get(room);
  }

  endAll(reason: string): void {
    for (const ingest of [...this.live.values()]) ingest.end(reason);
  }

  async start(req: {
    remote: string;
    /** Reads the room and key from the request (throws bad_request). */
    target: () => IngestTarget;
    feed: StreamFeed;
    /** Ends the encoder's connection (the ingest ended from the service's side). */
    disconnect: (reason: string) => void;
  }): Promise<PlainIngest> {
    const { opts, kind } = this;
    let roomId: RoomId | undefined;
    try {
      const target = req.target();
      roomId = target.room;
      if (!opts.settings.check(target.room, target.key)) {
        throw new ServiceError('unauthorized', `wrong stream key for room ${target.room}`);
      }
      const room = await opts.rooms.acquire(target.room, 'camera');
      try {
        const ingest = PlainIngest.start({
          room,
          kind,
          device: `${kind.toUpperCase()} · ${req.remote}`,
          feed: req.feed,
          // The URL's layout, else the one the operator set for the room's encoders.
          stream: target.stream ?? opts.settings.streamOf(target.room),
          listenIp: '127.0.0.1',
          ffmpeg: opts.ffmpeg,
          reencodeKbps: opts.reencodeKbps,
          analyseTimeoutMs: 10_000,
          disconnect: (reason) => {
            if (this.live.get(target.room) === ingest) this.live.delete(target.room);
            req.disconnect(reason);
          },
        });
        this.live.set(target.room, ingest);
        return ingest;
      } finally {
        room.release();
      }
    } catch (error) {
      const reason = (error as Error).message;
      opts.log.warn({ roomId, remote: req.remote, reason }, `${kind.toUpperCase()} camera refused`);
      throw error;
    }
  }
}
