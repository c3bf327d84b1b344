// RTMP ingest: rtmp://HOST:PORT/live/<room>/<key> (OBS: server rtmp://HOST:PORT/live/<room>, stream key <key>;
// a camera with one URL field: the whole of it). The key is the room's (IngestSettings); `?projection=…&swapEyes=…`
// on the URL says how the picture is laid out. A wrong key, an unknown path or a room whose camera is live
// already is refused (the encoder is told why, the log says so with the room id).
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { Projection, RoomId, type StreamInfo } from '../protocol/index.js';
import type { RoomRegistry } from '../media/room-registry.js';
import { ServiceError } from '../errors.js';
import type { IngestSettings } from './ingest-settings.js';
import { PlainIngest } from './plain-ingest.js';
import { FlvFeed } from './rtmp/flv-feed.js';
import type { PublishRequest, PublishSink } from './rtmp/rtmp-connection.js';
import { RtmpServer } from './rtmp/rtmp-server.js';

export interface RtmpIngestOptions {
  host: string;
  port: number;
  rooms: RoomRegistry;
  settings: IngestSettings;
  log: FastifyBaseLogger;
  ffmpeg: string;
  reencodeKbps: number;
}

const Layout = z.object({ projection: Projection.optional(), swapEyes: z.stringbool().optional() });

/** The room, key and stream layout an RTMP publication names. */
export function readIngestPath(
  path: string,
  query: URLSearchParams,
): {
  room: RoomId;
  key: string;
  stream: StreamInfo | undefined;
} {
  const match = /^\/?live\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match)
    throw new ServiceError('bad_request', 'publish to rtmp://HOST:PORT/live/<room> with the stream key');
  const room = RoomId.safeParse(match[1]);
  if (!room.success) throw new ServiceError('bad_request', 'the URL does not name a valid room');
  const layout = Layout.safeParse(Object.fromEntries(query));
  if (!layout.success) throw new ServiceError('bad_request', 'projection or swapEyes is not valid');
  const { projection, swapEyes } = layout.data;
  return {
    room: room.data,
    key: match[2]!,
    stream: projection && { projection, swapEyes: swapEyes ?? false },
  };
}

/** The RTMP listener and the ingests it is running, by room. */
export class RtmpIngest {
  private readonly live = new Map<RoomId, PlainIngest>();

  private constructor(
    private readonly opts: RtmpIngestOptions,
    private server?: RtmpServer,
  ) {}

  static async start(opts: RtmpIngestOptions): Promise<RtmpIngest> {
    const ingest = new RtmpIngest(opts);
    ingest.server = await RtmpServer.listen({
      host: opts.host,
      port: opts.port,
      log: opts.log,
      onPublish: (req) => ingest.publish(req),
    });
    return ingest;
  }

  get port(): number {
    return this.server!.port;
  }

  /** The room's live RTMP ingest, if it has one. */
  of(room: RoomId): PlainIngest | undefined {
    return this.live.get(room);
  }

  close(): Promise<void> {
    return this.server!.close();
  }

  private async publish(req: PublishRequest): Promise<PublishSink> {
    const { opts } = this;
    let roomId: RoomId | undefined;
    try {
      const target = readIngestPath(req.path, req.query);
      roomId = target.room;
      if (!opts.settings.check(target.room, target.key)) {
        throw new ServiceError('unauthorized', `wrong stream key for room ${target.room}`);
      }
      const feed = new FlvFeed();
      const room = await opts.rooms.acquire(target.room);
      try {
        const ingest = PlainIngest.start({
          room,
          kind: 'rtmp',
          device: `RTMP · ${req.remote}`,
          feed,
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
        return { media: (msg) => feed.push(msg), end: (reason) => ingest.end(reason) };
      } finally {
        room.release();
      }
    } catch (error) {
      opts.log.warn({ roomId, remote: req.remote, reason: (error as Error).message }, 'RTMP publish refused');
      throw error;
    }
  }
}
