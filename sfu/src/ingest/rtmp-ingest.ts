// RTMP ingest: rtmp://HOST:PORT/live/<room>/<key> (OBS: server rtmp://HOST:PORT/live/<room>, stream key <key>;
// a camera with one URL field: the whole of it). The key is the room's (IngestSettings); `?projection=…&swapEyes=…`
// on the URL says how the picture is laid out. A wrong key, an unknown path or a room whose camera is live
// already is refused (the encoder is told why, the log says so with the room id).
import { z } from 'zod';
import { Projection, RoomId } from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { LiveIngests, type BridgeSettings, type IngestTarget } from './live-ingests.js';
import type { PlainIngest } from './plain-ingest.js';
import { FlvFeed } from './rtmp/flv-feed.js';
import type { PublishRequest, PublishSink } from './rtmp/rtmp-connection.js';
import { RtmpServer } from './rtmp/rtmp-server.js';

export interface RtmpIngestOptions extends BridgeSettings {
  host: string;
  port: number;
}

const Layout = z.object({ projection: Projection.optional(), swapEyes: z.stringbool().optional() });

/** The room, key and stream layout an RTMP publication names. */
export function readIngestPath(path: string, query: URLSearchParams): IngestTarget {
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
  private readonly live: LiveIngests;
  private server: RtmpServer | undefined;

  private constructor(opts: RtmpIngestOptions) {
    this.live = new LiveIngests('rtmp', opts);
  }

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
    return this.live.of(room);
  }

  close(): Promise<void> {
    return this.server!.close();
  }

  private async publish(req: PublishRequest): Promise<PublishSink> {
    const feed = new FlvFeed();
    const ingest = await this.live.start({
      remote: req.remote,
      target: () => readIngestPath(req.path, req.query),
      feed,
      disconnect: req.disconnect,
    });
    return { media: (msg) => feed.push(msg), end: (reason) => ingest.end(reason) };
  }
}
