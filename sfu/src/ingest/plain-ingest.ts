// One live RTMP or SRT ingest: the room's camera, arriving as a byte stream the service receives and an ffmpeg
// bridge turns into RTP. It joins the room as the camera at once (so a second source is refused before any
// media flows), waits to know what the source sends, plans copy or re-encode, opens one plain transport per
// track on the room's home router, produces, and runs the supervised bridge. It ends when the source ends,
// the room removes its camera (kick, close), or the bridge gives up; ending always stops the bridge and
// closes the transports.
import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type { Room } from '../media/room.js';
import type { Peer } from '../media/peer.js';
import type {
  MediaKind,
  ProducerId,
  RtpParameters,
  SourceKind,
  StreamInfo,
  TransportId,
} from '../protocol/index.js';
import { Bridge } from './bridge.js';
import { bridgeArgs, planBridge, type BridgePlan, type RtpTarget } from './bridge-command.js';
import type { SourceAnalysis, StreamFeed } from './stream-feed.js';
import { freeUdpPortPair } from './udp-ports.js';

export interface PlainIngestOptions {
  room: Room;
  kind: Extract<SourceKind, 'rtmp' | 'srt'>;
  /** "RTMP · 192.0.2.7", shown on the dashboard. */
  device: string;
  feed: StreamFeed;
  stream: StreamInfo | undefined;
  /** Where the plain transports listen (loopback: the bridge runs on this host). */
  listenIp: string;
  ffmpeg: string;
  reencodeKbps: number;
  /** A source that has not shown what it is by then is dropped. */
  analyseTimeoutMs: number;
  /** Ends the source's connection (the ingest ended from this side). */
  disconnect: (reason: string) => void;
}

const PAYLOAD_TYPE = { video: 96, audio: 111 } as const;

function rtpParameters(kind: MediaKind, ssrc: number, plan: BridgePlan): RtpParameters {
  const codec =
    kind === 'video'
      ? {
          mimeType: 'video/H264',
          clockRate: 90000,
          payloadType: PAYLOAD_TYPE.video,
          parameters: {
            'packetization-mode': 1,
            'profile-level-id': plan.video!.profileLevelId,
            'level-asymmetry-allowed': 1,
          },
        }
      : { mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: PAYLOAD_TYPE.audio };
  return { codecs: [codec], encodings: [{ ssrc }], rtcp: { cname: `ingest-${ssrc}`, reducedSize: false } };
}

export class PlainIngest {
  private readonly peer: Peer;
  private bridge: Bridge | undefined;
  /** One plain transport per track, and the local port ffmpeg sends it from. */
  private readonly tracks: Partial<
    Record<MediaKind, { transport: types.PlainTransport; localPort: number }>
  > = {};
  private ended = false;
  /** What was decided, once it was. */
  plan: BridgePlan | undefined;

  private constructor(private readonly opts: PlainIngestOptions) {
    this.peer = opts.room.join({
      role: 'camera',
      source: opts.kind,
      displayName: undefined,
      device: opts.device,
      link: { owner: this, notify: () => {}, disconnect: (reason) => this.end(`removed: ${reason}`) },
    });
  }

  /** Joins at once (throws camera_taken, …); the media follows once the source has shown what it is. */
  static start(opts: PlainIngestOptions): PlainIngest {
    const ingest = new PlainIngest(opts);
    ingest.setUp().catch((error: unknown) => ingest.end(`setup failed: ${(error as Error).message}`));
    return ingest;
  }

  /** The camera's logger (room and peer ids). */
  get log(): FastifyBaseLogger {
    return this.peer.log;
  }

  get pid(): number | undefined {
    return this.bridge?.pid;
  }

  private async setUp(): Promise<void> {
    const { feed, room, kind } = this.opts;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no audio or video within ${this.opts.analyseTimeoutMs} ms`)),
        this.opts.analyseTimeoutMs,
      );
    });
    let source: SourceAnalysis;
    try {
      source = await Promise.race([feed.analysis, timeout]);
    } finally {
      clearTimeout(timer);
    }
    if (this.ended) return;
    const plan = (this.plan = planBridge(source));
    if (!plan.video && !plan.audio) throw new Error('the source sends neither audio nor video');
    this.peer.stats = {
      ...(source.video?.width && { width: Math.round(source.video.width) }),
      ...(source.video?.height && { height: Math.round(source.video.height) }),
      ...(source.video?.fps && { fps: source.video.fps }),
    };
    this.peer.reencoded = plan.video?.mode === 're-encode';
    this.peer.log.info(
      { source, video: plan.video, audio: plan.audio },
      `${kind.toUpperCase()} source analysed`,
    );

    for (const mediaKind of ['video', 'audio'] as const) {
      if (!plan[mediaKind]) continue;
      const transport = await room.createPlainTransport(this.peer, this.opts.listenIp);
      // Closed from outside (the room closed, its worker died): nothing to bridge into any more.
      transport.observer.once('close', () => this.end('the room closed'));
      this.tracks[mediaKind] = { transport, localPort: await freeUdpPortPair() };
    }
    if (this.ended) return;
    if (this.opts.stream) room.setStream(this.peer, this.opts.stream);
    this.bridge = new Bridge({
      feed,
      ffmpeg: this.opts.ffmpeg,
      prepare: () => this.produce(plan),
      log: this.peer.log,
      onGiveUp: (reason) => this.end(reason),
    });
    this.bridge.start();
  }

  /**
   * Tracks for the next ffmpeg (the last one's closed: viewers follow as they follow a camera reload), and
   * its command line. The transports stay: ffmpeg always sends from the same local ports.
   */
  private async produce(plan: BridgePlan): Promise<string[]> {
    for (const producer of this.peer.listProducers())
      this.opts.room.closeProducer(this.peer, producer.id as ProducerId);
    const targets: { video?: RtpTarget; audio?: RtpTarget } = {};
    for (const kind of ['video', 'audio'] as const) {
      const track = this.tracks[kind];
      if (!track) continue;
      const ssrc = randomInt(1, 2 ** 31);
      await this.opts.room.produce(this.peer, {
        transportId: track.transport.id as TransportId,
        kind,
        rtpParameters: rtpParameters(kind, ssrc, plan),
      });
      targets[kind] = {
        ip: track.transport.tuple.localIp,
        rtpPort: track.transport.tuple.localPort,
        rtcpPort: track.transport.rtcpTuple!.localPort,
        localPort: track.localPort,
        ssrc,
        payloadType: PAYLOAD_TYPE[kind],
      };
    }
    const { feed, reencodeKbps } = this.opts;
    return bridgeArgs({ format: feed.format, plan, ...targets, reencodeKbps });
  }

  /** Idempotent: stops the bridge, leaves the room (its transports close), ends the source's connection. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.peer.log.info({ reason }, `${this.opts.kind.toUpperCase()} ingest ended`);
    void this.bridge?.stop();
    this.opts.room.leave(this.peer);
    this.opts.disconnect(reason);
  }
}
