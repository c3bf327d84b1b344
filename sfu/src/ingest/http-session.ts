// A WebRTC session whose "connection" is an HTTP resource instead of a socket (a WHIP publication, a WHEP
// playback): a peer of its room reached through a PeerLink like any page's, one transport, an ETag, and an
// end — on DELETE, when its ICE has not been up for the timeout, when its transport closes, or when the room
// removes the peer (kick, close). Subclasses say what the peer does with its transport (produce, consume).
import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Room } from '../media/room.js';
import type { Peer } from '../media/peer.js';
import type { Result, Role, SourceKind, TransportId } from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { iceRestartFragment } from './sdp-frag.js';
import { clientDtlsRole, type SessionOffer } from './sdp-offer.js';

export interface HttpSessionOptions {
  room: Room;
  /** "WHIP · <user agent>", shown on the dashboard. */
  device: string;
  iceTimeoutMs: number;
  onEnd: (session: HttpSession, reason: string) => void;
}

const newEtag = () => `"${randomBytes(9).toString('base64url')}"`;

export abstract class HttpSession {
  /** The resource's unguessable name: the Location URL is its capability. */
  readonly id = randomBytes(18).toString('base64url');
  readonly room: Room;
  etag = newEtag();
  /** The SDP answer, once open. */
  answer = '';
  protected peer!: Peer;
  protected transport!: types.WebRtcTransport;
  private iceTimer: NodeJS.Timeout | undefined;
  private clientUfrag: string;
  private ended = false;

  protected constructor(
    protected readonly opts: HttpSessionOptions,
    private readonly offer: Pick<SessionOffer, 'dtls' | 'iceUfrag'> & { mids: string[] },
  ) {
    this.room = opts.room;
    this.clientUfrag = offer.iceUfrag;
  }

  /** "WHIP publication", for the log. */
  protected abstract readonly what: string;

  /** Joins the room (which may refuse: camera_taken, room_full), connects one transport, then `setUp`s. */
  protected async open(join: { role: Role; source?: SourceKind }, direction: 'send' | 'recv'): Promise<void> {
    this.peer = this.room.join({
      ...join,
      displayName: undefined,
      device: this.opts.device,
      link: { owner: this, notify: () => {}, disconnect: (reason) => this.end(reason) },
    });
    try {
      const t = await this.createTransport(direction);
      this.transport = this.peer.transport(t.transportId);
      await this.room.connectTransport(this.peer, t.transportId, {
        role: clientDtlsRole(this.offer.dtls.role),
        fingerprints: this.offer.dtls.fingerprints,
      });
      this.answer = await this.setUp(t);
    } catch (error) {
      this.end('setup failed');
      throw error;
    }
    this.armIceTimer('ICE did not connect');
    this.transport.on('icestatechange', (state) => {
      if (state === 'connected' || state === 'completed') clearTimeout(this.iceTimer);
      else if (state === 'disconnected') this.armIceTimer('ICE disconnected');
    });
    this.transport.observer.once('close', () => this.end('transport closed'));
    this.peer.log.info({ session: this.id }, `${this.what} started`);
  }

  /** The session's transport, placed by the room as a page's would be. */
  protected createTransport(direction: 'send' | 'recv'): Promise<Result<'createTransport'>> {
    return this.room.createTransport(this.peer, direction);
  }

  /** Produces or consumes on the connected transport; returns the SDP answer. */
  protected abstract setUp(
    transport: Result<'createTransport'> & { transportId: TransportId },
  ): Promise<string>;

  private armIceTimer(reason: string): void {
    clearTimeout(this.iceTimer);
    const ms = this.opts.iceTimeoutMs;
    this.iceTimer = setTimeout(() => this.end(`${reason} for ${ms} ms`), ms);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * A PATCH's ICE credentials. The same as the offer's: trickled candidates, which an ICE-lite server does not
   * need (the client's checks find the server's candidates). New ones: an ICE restart; returns the server's
   * sdpfrag (new credentials, its candidates) and takes a new ETag. Undefined when it did not restart.
   */
  async patchIce(clientUfrag: string | undefined): Promise<string | undefined> {
    if (this.ended) throw new ServiceError('not_found', `${this.what} ended`);
    if (clientUfrag === undefined || clientUfrag === this.clientUfrag) return undefined;
    const ice = await this.transport.restartIce();
    this.clientUfrag = clientUfrag;
    this.etag = newEtag();
    this.armIceTimer('ICE did not reconnect after a restart');
    this.peer.log.info({ session: this.id }, `${this.what}: ICE restarted`);
    return iceRestartFragment(ice, this.transport.iceCandidates, this.offer.mids);
  }

  /** Idempotent: the peer leaves the room (a camera's viewers are told, as when a camera page closes). */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.iceTimer);
    this.peer?.log.info({ session: this.id, reason }, `${this.what} ended`);
    if (this.peer) this.room.leave(this.peer);
    this.opts.onEnd(this, reason);
  }
}
