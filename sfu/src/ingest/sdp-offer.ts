// What WHIP and WHEP offers have in common, read once: sdp-transform parses the SDP, mediasoup-client's SDP
// helpers read the client's DTLS fingerprint and each section's codecs; the checks name what an offer lacks.
// The server is always the answerer, an ICE-lite agent, and needs bundle and rtcp-mux (RFC 9725, 4.2).
import * as sdpTransform from 'sdp-transform';
import * as sdpCommonUtils from 'mediasoup-client/handlers/sdp/commonUtils';
import { RemoteSdp } from 'mediasoup-client/handlers/sdp/RemoteSdp';
import type { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities } from 'mediasoup-client/types';
import type * as protocol from '../protocol/index.js';
import { ServiceError } from '../errors.js';

// The server's own values (its router's capabilities, its transport's ICE and DTLS parameters) in the types of
// mediasoup-client's helpers, which spell the same fields more narrowly (literal unions, required payload types).
export const forHelpers = <T>(value: object): T => value as T;

export interface OfferSection {
  kind: 'audio' | 'video';
  mid: string;
  media: sdpTransform.MediaDescription;
  /** What the client offers in this section (its payload types): sections are read apart, as PTs may repeat. */
  clientCaps: RtpCapabilities;
}

export interface SessionOffer {
  /** The client's DTLS fingerprint, and the role it takes (the answer takes the other). */
  dtls: DtlsParameters;
  /** The client's ICE username fragment: a PATCH with another one is an ICE restart. */
  iceUfrag: string;
  sections: OfferSection[];
}

export function requireSdp(cond: unknown, what: string): asserts cond {
  if (!cond) throw new ServiceError('bad_request', `SDP offer: ${what}`);
}

/**
 * Reads an offer whose media go one way: `publish` (WHIP: the client sends) or `play` (WHEP: it receives).
 * Throws `bad_request` naming what is missing or malformed.
 */
export function readOffer(sdp: string, way: 'publish' | 'play'): SessionOffer {
  requireSdp(/^v=0\r?\n/.test(sdp), 'not an SDP session description (must start with v=0)');
  let session: sdpTransform.SessionDescription;
  try {
    session = sdpTransform.parse(sdp);
  } catch (error) {
    throw new ServiceError('bad_request', `SDP offer: unreadable (${(error as Error).message})`);
  }
  const media = session.media ?? [];
  requireSdp(media.length > 0, 'no media section (m=)');
  let dtls: DtlsParameters;
  try {
    dtls = sdpCommonUtils.extractDtlsParameters({ sdpObject: session });
  } catch (error) {
    throw new ServiceError('bad_request', `SDP offer: ${(error as Error).message}`);
  }
  const iceUfrag = session.iceUfrag ?? media[0]?.iceUfrag;
  requireSdp(iceUfrag && (session.icePwd ?? media[0]?.icePwd), 'no a=ice-ufrag / a=ice-pwd');
  const bundled = session.groups?.find((g) => g.type === 'BUNDLE')?.mids.split(' ') ?? [];
  const wrongWay = way === 'publish' ? 'recvonly' : 'sendonly';
  const sections = media.map((m): OfferSection => {
    const kind = m.type;
    requireSdp(kind === 'audio' || kind === 'video', `m=${kind} is not taken (audio and video only)`);
    requireSdp(m.mid !== undefined, `m=${kind} has no a=mid`);
    const mid = String(m.mid);
    requireSdp(
      media.length === 1 || bundled.includes(mid),
      `m=${kind} (mid ${mid}) is not in the BUNDLE group`,
    );
    requireSdp(m.rtcpMux !== undefined, `m=${kind} (mid ${mid}) has no a=rtcp-mux`);
    requireSdp(
      m.direction !== wrongWay,
      `m=${kind} (mid ${mid}) is ${wrongWay}: ${way === 'publish' ? 'WHIP publishes (sendonly)' : 'WHEP plays (recvonly)'}`,
    );
    requireSdp(m.rtp.length > 0, `m=${kind} (mid ${mid}) offers no codec (a=rtpmap)`);
    const clientCaps = sdpCommonUtils.extractRtpCapabilities({ sdpObject: { ...session, media: [m] } });
    return { kind, mid, media: m, clientCaps };
  });
  requireSdp(
    new Set(sections.map((s) => s.kind)).size === sections.length,
    'more than one audio or video section',
  );
  return { dtls, iceUfrag: String(iceUfrag), sections };
}

/** The server's DTLS role: the other side of the client's (RFC 8842: an answer to actpass is active). */
export function answerDtlsRole(client: DtlsParameters['role']): 'client' | 'server' {
  return client === 'client' ? 'server' : 'client';
}

/** The answer being written: ICE-lite, the server transport's credentials, candidates and fingerprint. */
export function serverAnswer(
  offer: Pick<SessionOffer, 'dtls'>,
  transport: protocol.Result<'createTransport'>,
): RemoteSdp {
  return new RemoteSdp({
    iceParameters: forHelpers<IceParameters>(transport.iceParameters),
    iceCandidates: forHelpers<IceCandidate[]>(transport.iceCandidates),
    dtlsParameters: {
      ...forHelpers<DtlsParameters>(transport.dtlsParameters),
      role: answerDtlsRole(offer.dtls.role),
    },
  });
}

/** The client's role as mediasoup's `connect` wants it (the remote side's). */
export function clientDtlsRole(client: DtlsParameters['role']): 'client' | 'server' {
  return answerDtlsRole(client) === 'client' ? 'server' : 'client';
}

const h264Profiles: Record<string, string> = {
  '42e0': 'Constrained Baseline',
  '4200': 'Baseline',
  '4d00': 'Main',
  '6400': 'High',
};

/** What the router takes, for error messages: "H264 (Constrained Baseline, Main, High; packetization-mode=1), VP8, …". */
export function accepted(caps: RtpCapabilities): string {
  const names: string[] = [];
  const profiles: string[] = [];
  for (const c of caps.codecs ?? []) {
    const name = c.mimeType.replace(/^\w+\//, '');
    if (/^rtx$/i.test(name)) continue;
    const profile = c.parameters?.['profile-level-id'];
    if (typeof profile === 'string') profiles.push(h264Profiles[profile.slice(0, 4)] ?? profile);
    if (!names.includes(name)) names.push(name);
  }
  return names
    .map((n) => (n === 'H264' && profiles.length ? `H264 (${profiles.join(', ')}; packetization-mode=1)` : n))
    .join(', ');
}

/** The codecs a section offers, for error messages. */
export function offered(media: sdpTransform.MediaDescription): string {
  return media.rtp.map((r) => r.codec).join(', ') || 'none';
}
