// One WHIP publication: a camera peer of its room whose "connection" is an HTTP resource instead of a socket.
// It joins as the room's camera (so the room's one-source rule, its viewers and the dashboard treat it as any
// camera), makes one send transport, produces what the offer sends, and ends on DELETE, when its ICE has been
// down too long, when its transport closes, or when the room removes it (kick, close).
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Room } from '../media/room.js';
import type { Peer } from '../media/peer.js';
import type { IceCandidate, IceParameters, StreamInfo } from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { answerDtlsRole, writeAnswer, type PublishOffer } from './publish-offer.js';

export interface WhipSessionOptions {
  room: Room;
  offer: PublishOffer;
  /** "WHIP · <user agent>", shown on the dashboard. */
  device: string;
  stream: StreamInfo | undefined;
  iceTimeoutMs: number;
  onEnd: (session: WhipSession, reason: string) => void;
}

const newEtag = () => `"${randomBytes(9).toString('base64url')}"`;

export class WhipSession {
  /** The resource's unguessable name: the Location URL is its capability. */
  readonly id = randomBytes(18).toString('base64url');
  readonly room: Room;
  private peer!: Peer;
  private transport!: types.WebRtcTransport;
  private iceTimer: NodeJS.Timeout | undefined;
  private clientUfrag: string;
  etag = newEtag();
  answer = '';
  private ended = false;

  private constructor(private readonly opts: WhipSessionOptions) {
    this.room = opts.room;
    this.clientUfrag = opts.offer.iceUfrag;
  }

  /** Joins the room as its camera and sets up the media; throws `camera_taken` while another source is live. */
  static async start(opts: WhipSessionOptions): Promise<WhipSession> {
    const session = new WhipSession(opts);
    await session.open();
    return session;
  }

  private async open(): Promise<void> {
    const { room, offer } = this.opts;
    this.peer = room.join({
      role: 'camera',
      displayName: undefined,
      device: this.opts.device,
      source: 'whip',
      link: { owner: this, notify: () => {}, disconnect: (reason) => this.end(reason) },
    });
    try {
      const t = await room.createTransport(this.peer, 'send');
      this.transport = this.peer.transport(t.transportId);
      const remoteRole = answerDtlsRole(offer.dtls.role) === 'client' ? 'server' : 'client';
      await room.connectTransport(this.peer, t.transportId, {
        role: remoteRole,
        fingerprints: offer.dtls.fingerprints,
      });
      for (const track of offer.tracks) {
        await room.produce(this.peer, {
          transportId: t.transportId,
          kind: track.kind,
          rtpParameters: track.rtpParameters,
        });
      }
      if (this.opts.stream) room.setStream(this.peer, this.opts.stream);
      this.answer = writeAnswer(offer, t);
    } catch (error) {
      this.end('setup failed');
      throw error;
    }
    this.watch();
    this.peer.log.info(
      {
        whipSession: this.id,
        tracks: offer.tracks.map((x) => `${x.kind}:${x.rtpParameters.codecs[0]?.mimeType}`),
      },
      'WHIP publication started',
    );
  }

  /** Ends the session when ICE does not come up (or stays down) for the timeout, or the transport closes. */
  private watch(): void {
    this.armIceTimer('ICE did not connect');
    this.transport.on('icestatechange', (state) => {
      if (state === 'connected' || state === 'completed') clearTimeout(this.iceTimer);
      else if (state === 'disconnected') this.armIceTimer('ICE disconnected');
    });
    this.transport.observer.once('close', () => this.end('transport closed'));
  }

  private armIceTimer(reason: string): void {
    clearTimeout(this.iceTimer);
    this.iceTimer = setTimeout(
      () => this.end(`${reason} for ${this.opts.iceTimeoutMs} ms`),
      this.opts.iceTimeoutMs,
    );
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get transportIceParameters(): IceParameters {
    return this.transport.iceParameters;
  }

  get iceCandidates(): IceCandidate[] {
    return this.transport.iceCandidates;
  }

  get mids(): string[] {
    return this.opts.offer.tracks.map((t) => t.mid);
  }

  /**
   * A PATCH's ICE credentials. The same as the offer's: trickled candidates, which an ICE-lite server does not
   * need (the client's checks find the server's candidates). New ones: an ICE restart, answered with the
   * server's new credentials and a new ETag. Returns whether it restarted.
   */
  async patchIce(clientUfrag: string | undefined): Promise<boolean> {
    if (this.ended) throw new ServiceError('not_found', 'WHIP session ended');
    if (clientUfrag === undefined || clientUfrag === this.clientUfrag) return false;
    await this.transport.restartIce();
    this.clientUfrag = clientUfrag;
    this.etag = newEtag();
    this.armIceTimer('ICE did not reconnect after a restart');
    this.peer.log.info({ whipSession: this.id }, 'WHIP ICE restarted');
    return true;
  }

  /** Idempotent: the camera leaves the room (its viewers are told, as when a camera page closes). */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.iceTimer);
    this.peer.log.info({ whipSession: this.id, reason }, 'WHIP publication ended');
    this.room.leave(this.peer);
    this.opts.onEnd(this, reason);
  }
}
