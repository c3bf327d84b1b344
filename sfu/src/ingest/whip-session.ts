// One WHIP publication: the room's camera, arriving over HTTP. It joins as the camera (so the room's one-source
// rule, its viewers and the dashboard treat it as any camera; a second source gets camera_taken), produces what
// the offer sends, and sets the stream's projection the ingest URL named.
import { probePictureSize } from '../media/picture/picture-probe.js';
import type { StreamInfo } from '../protocol/index.js';
import { HttpSession, type HttpSessionOptions } from './http-session.js';
import { writeAnswer, type PublishOffer } from './publish-offer.js';

/** How long a publication's first key frame may take to show its picture size. */
const PICTURE_PROBE_MS = 10_000;

export class WhipSession extends HttpSession {
  protected readonly what = 'WHIP publication';

  private constructor(
    opts: HttpSessionOptions,
    private readonly publish: PublishOffer,
    private readonly stream: StreamInfo | undefined,
  ) {
    super(opts, { ...publish, mids: publish.tracks.map((t) => t.mid) });
  }

  static async start(
    opts: HttpSessionOptions & { offer: PublishOffer; stream: StreamInfo | undefined },
  ): Promise<WhipSession> {
    const session = new WhipSession(opts, opts.offer, opts.stream);
    await session.open({ role: 'camera', source: 'whip' }, 'send');
    return session;
  }

  protected async setUp(transport: Parameters<HttpSession['setUp']>[0]): Promise<string> {
    for (const track of this.publish.tracks) {
      await this.room.produce(this.peer, {
        transportId: transport.transportId,
        kind: track.kind,
        rtpParameters: track.rtpParameters,
      });
    }
    if (this.stream) this.room.setStream(this.peer, this.stream);
    void this.measurePicture();
    this.peer.log.info(
      {
        session: this.id,
        // With H264's profile-level-id as declared: which profiles a viewer's browser must decode.
        tracks: this.publish.tracks.map((t) => {
          const codec = t.rtpParameters.codecs[0];
          const profile = codec?.parameters?.['profile-level-id'];
          return `${t.kind}:${codec?.mimeType}${typeof profile === 'string' ? ` ${profile}` : ''}`;
        }),
      },
      'WHIP tracks',
    );
    return writeAnswer(this.publish, transport);
  }

  /** An encoder does not report its picture size as the camera page does: read it off the stream. */
  private async measurePicture(): Promise<void> {
    const video = this.peer.listProducers().find((p) => p.kind === 'video');
    if (!video) return;
    try {
      const size = await probePictureSize(this.room.home.router, video, PICTURE_PROBE_MS);
      if (!size)
        return this.peer.log.warn({ session: this.id }, 'WHIP picture size unknown: no key frame seen');
      this.peer.stats = { ...this.peer.stats, ...size };
      this.peer.log.info({ session: this.id, ...size }, 'WHIP picture size');
    } catch (e) {
      this.peer.log.warn({ err: e, session: this.id }, 'WHIP picture size not measured');
    }
  }
}
