// One WHEP playback: a viewer of the room whose player speaks WHEP instead of the viewer page's protocol.
// The player offers, so the server must send with the player's payload types — but a mediasoup consumer
// sends with its router's. Each playback therefore gets a small router of its own on the camera's worker,
// made from the player's codecs at the player's payload types, and the camera's tracks are piped into it
// (media/pipe-into.ts): its consumers then speak exactly what the offer asked for. The session joins the
// room as a viewer (the cap and the dashboard count it) and ends when the camera's tracks end: WHEP has no way
// to offer the next camera's, so the player connects again.
import * as ortc from 'mediasoup-client/ortc';
import type { RtpCapabilities as ClientCapabilities } from 'mediasoup-client/types';
import type { types } from 'mediasoup';
import { ServiceError } from '../errors.js';
import { pipeInto } from '../media/pipe-into.js';
import type { Result, TransportId } from '../protocol/index.js';
import { HttpSession, type HttpSessionOptions } from './http-session.js';
import { writePlayAnswer, type PlayedTrack } from './play-offer.js';
import { forHelpers, offered, type OfferSection, type SessionOffer } from './sdp-offer.js';

/** The camera's codec as the player offers it (its payload type), or undefined when the player lacks it. */
function playerCodec(section: OfferSection, producer: types.Producer): types.RtpCodecCapability | undefined {
  const codec = producer.rtpParameters.codecs[0];
  if (!codec) return undefined;
  const camera = forHelpers<ClientCapabilities>({
    codecs: [{ ...codec, kind: producer.kind, preferredPayloadType: codec.payloadType }],
    headerExtensions: [],
  });
  const [match] = ortc.getExtendedRtpCapabilities(section.clientCaps, camera, true).codecs;
  if (!match) return undefined;
  return {
    kind: producer.kind,
    mimeType: codec.mimeType,
    clockRate: codec.clockRate,
    ...(codec.channels !== undefined && { channels: codec.channels }),
    parameters: codec.parameters as Record<string, unknown> | undefined,
    rtcpFeedback: match.rtcpFeedback,
    preferredPayloadType: match.localPayloadType,
  };
}

export class WhepSession extends HttpSession {
  protected readonly what = 'WHEP playback';
  private router: types.Router | undefined;
  private readonly played = new Map<string, types.Producer>();

  private constructor(
    opts: HttpSessionOptions,
    private readonly play: SessionOffer,
  ) {
    super(opts, { ...play, mids: play.sections.map((s) => s.mid) });
  }

  static async start(opts: HttpSessionOptions & { offer: SessionOffer }): Promise<WhepSession> {
    const session = new WhepSession(opts, opts.offer);
    await session.open({ role: 'viewer' }, 'recv');
    return session;
  }

  /** The player's own router on the camera's worker, the camera's tracks piped in, and a transport on it. */
  protected override async createTransport(): Promise<Result<'createTransport'>> {
    const producers = this.room.camera?.listProducers() ?? [];
    const codecs: types.RtpCodecCapability[] = [];
    for (const section of this.play.sections) {
      const producer = producers.find((p) => p.kind === section.kind);
      const codec = producer && playerCodec(section, producer);
      if (!producer || !codec) continue;
      codecs.push(codec);
      this.played.set(section.mid, producer);
    }
    if (codecs.length === 0) {
      const camera = producers.map((p) => p.rtpParameters.codecs[0]?.mimeType).join(', ') || 'none';
      const asked = this.play.sections.map((s) => `${s.kind}: ${offered(s.media)}`).join('; ');
      throw new ServiceError('unsupported_codec', `the player offers ${asked}; the camera sends ${camera}`);
    }
    const { worker, router: home } = this.room.home;
    const router = (this.router = await worker.worker.createRouter({ mediaCodecs: codecs }));
    for (const [mid, producer] of this.played) this.played.set(mid, await pipeInto(home, router, producer));
    const transport = await router.createWebRtcTransport({
      webRtcServer: worker.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      appData: { direction: 'recv' },
    });
    // The router is the session's: it goes with the transport (the peer's close, DELETE, the room's close).
    transport.observer.once('close', () => router.close());
    this.peer.addTransport(transport);
    return {
      transportId: transport.id as TransportId,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  protected async setUp(transport: Parameters<HttpSession['setUp']>[0]): Promise<string> {
    const router = this.router;
    if (!router) throw new ServiceError('internal', 'no router');
    // The router holds only the player's codecs at its payload types; no header extensions or RTX, whose ids
    // and payload types the router would choose itself (NACKs are still answered, on the media SSRC).
    const rtpCapabilities: types.RtpCapabilities = {
      codecs: (router.rtpCapabilities.codecs ?? []).filter((c) => !/\/rtx$/i.test(c.mimeType)),
      headerExtensions: [],
    };
    const tracks: PlayedTrack[] = [];
    const consumers: types.Consumer[] = [];
    for (const [mid, producer] of this.played) {
      const consumer = await this.transport.consume({
        producerId: producer.id,
        rtpCapabilities,
        paused: true,
      });
      this.peer.addConsumer(consumer);
      consumers.push(consumer);
      consumer.on('producerclose', () => this.end('the camera left'));
      tracks.push({
        mid,
        rtpParameters: consumer.rtpParameters,
        streamId: `inclubit-${this.room.id}`,
        trackId: consumer.id,
      });
    }
    // Paused until the player can receive, so the first keyframe is not sent into the void.
    this.transport.on('dtlsstatechange', (state) => {
      if (state !== 'connected') return;
      // A consumer closed meanwhile (the camera left) cannot resume; that ends the session anyway.
      for (const c of consumers) c.resume().catch(() => undefined);
    });
    return writePlayAnswer(this.play, transport, tracks);
  }
}
