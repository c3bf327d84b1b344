// One WHIP publication: the room's camera, arriving over HTTP. It joins as the camera (so the room's one-source
// rule, its viewers and the dashboard treat it as any camera; a second source gets camera_taken), produces what
// the offer sends, and sets the stream's projection the ingest URL named.
import type { StreamInfo } from '../protocol/index.js';
import { HttpSession, type HttpSessionOptions } from './http-session.js';
import { writeAnswer, type PublishOffer } from './publish-offer.js';

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
    this.peer.log.info(
      {
        session: this.id,
        tracks: this.publish.tracks.map((t) => `${t.kind}:${t.rtpParameters.codecs[0]?.mimeType}`),
      },
      'WHIP tracks',
    );
    return writeAnswer(this.publish, transport);
  }
}
