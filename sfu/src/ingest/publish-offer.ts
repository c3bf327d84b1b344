// A WHIP client's SDP offer, read into what mediasoup needs (the client's DTLS fingerprint, one producer's
// RTP parameters per m-section) and answered. The SDP is parsed by sdp-transform and mapped by mediasoup-client's
// own SDP helpers and ORTC matching, the code every mediasoup browser client runs; nothing here parses SDP text.
// The server is the answerer and an ICE-lite agent; bundle and rtcp-mux are required (RFC 9725, section 4.2).
import * as sdpTransform from 'sdp-transform';
import * as ortc from 'mediasoup-client/ortc';
import * as sdpCommonUtils from 'mediasoup-client/handlers/sdp/commonUtils';
import * as sdpUnifiedPlanUtils from 'mediasoup-client/handlers/sdp/unifiedPlanUtils';
import { RemoteSdp } from 'mediasoup-client/handlers/sdp/RemoteSdp';
import type {
  DtlsParameters,
  IceCandidate,
  IceParameters,
  RtpCapabilities,
  RtpEncodingParameters,
  RtpParameters,
} from 'mediasoup-client/types';
import type * as protocol from '../protocol/index.js';
import { ServiceError } from '../errors.js';

// The server's own values (its router's capabilities, its transport's ICE and DTLS parameters) in the types of
// mediasoup-client's helpers, which spell the same fields more narrowly (literal unions, required payload types).
const forHelpers = <T>(value: object): T => value as T;

export interface OfferedTrack {
  kind: 'audio' | 'video';
  mid: string;
  /** What the client sends (its payload types, SSRCs or RIDs): the producer's parameters. */
  rtpParameters: RtpParameters;
  /** The same codec as the server's answer states it. */
  answerRtpParameters: RtpParameters;
  media: sdpTransform.MediaDescription;
}

export interface PublishOffer {
  /** The client's DTLS fingerprint, and the role it takes (the answer takes the other). */
  dtls: DtlsParameters;
  /** The client's ICE username fragment: a PATCH with another one is an ICE restart. */
  iceUfrag: string;
  tracks: OfferedTrack[];
}

const h264Profiles: Record<string, string> = {
  '42e0': 'Constrained Baseline',
  '4200': 'Baseline',
  '4d00': 'Main',
  '6400': 'High',
};

/** What the router takes, for error messages: "H264 (Constrained Baseline, Main, High; packetization-mode=1), VP8, …". */
function accepted(caps: RtpCapabilities): string {
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

function offered(media: sdpTransform.MediaDescription): string {
  return media.rtp.map((r) => r.codec).join(', ') || 'none';
}

/** The encodings the client sends: by RID (simulcast), by SSRC, or, with neither, one stream found by MID. */
function encodingsOf(media: sdpTransform.MediaDescription, rtp: RtpParameters): RtpEncodingParameters[] {
  const rids = (media.rids ?? []).filter((r) => r.direction === 'send');
  if (rids.length > 0) return rids.map((r) => ({ rid: String(r.id) }));
  if (media.ssrcs?.length)
    return sdpUnifiedPlanUtils.getRtpEncodings({ offerMediaObject: media, codecs: rtp.codecs });
  return [{}];
}

function requireSdp(cond: unknown, what: string): asserts cond {
  if (!cond) throw new ServiceError('bad_request', `SDP offer: ${what}`);
}

/**
 * Reads an offer against the router's capabilities. Throws `bad_request` naming what is missing or malformed,
 * and `unsupported_codec` naming what the server accepts when a section offers nothing it can take.
 */
export function readPublishOffer(sdp: string, routerCapabilities: protocol.RtpCapabilities): PublishOffer {
  const routerCaps = forHelpers<RtpCapabilities>(routerCapabilities);
  requireSdp(/^v=0\r?\n/.test(sdp), 'not an SDP session description (must start with v=0)');
  let session: sdpTransform.SessionDescription;
  try {
    session = sdpTransform.parse(sdp);
  } catch (error) {
    throw new ServiceError('bad_request', `SDP offer: unreadable (${(error as Error).message})`);
  }
  const sections = session.media ?? [];
  requireSdp(sections.length > 0, 'no media section (m=)');
  let dtls: DtlsParameters;
  try {
    dtls = sdpCommonUtils.extractDtlsParameters({ sdpObject: session });
  } catch (error) {
    throw new ServiceError('bad_request', `SDP offer: ${(error as Error).message}`);
  }
  const iceUfrag = session.iceUfrag ?? sections[0]?.iceUfrag;
  requireSdp(iceUfrag && (session.icePwd ?? sections[0]?.icePwd), 'no a=ice-ufrag / a=ice-pwd');
  const bundled = session.groups?.find((g) => g.type === 'BUNDLE')?.mids.split(' ') ?? [];
  const tracks: OfferedTrack[] = [];
  for (const media of sections) {
    const kind = media.type;
    requireSdp(kind === 'audio' || kind === 'video', `m=${kind} is not taken (audio and video only)`);
    requireSdp(media.mid !== undefined, `m=${kind} has no a=mid`);
    const mid = String(media.mid);
    requireSdp(
      sections.length === 1 || bundled.includes(mid),
      `m=${kind} (mid ${mid}) is not in the BUNDLE group`,
    );
    requireSdp(media.rtcpMux !== undefined, `m=${kind} (mid ${mid}) has no a=rtcp-mux`);
    requireSdp(
      media.direction !== 'recvonly',
      `m=${kind} (mid ${mid}) is recvonly: WHIP publishes (sendonly)`,
    );
    requireSdp(media.rtp.length > 0, `m=${kind} (mid ${mid}) offers no codec (a=rtpmap)`);
    // Codecs are matched per section: payload types may repeat across sections of a bundle.
    const clientCaps = sdpCommonUtils.extractRtpCapabilities({ sdpObject: { ...session, media: [media] } });
    const extended = ortc.getExtendedRtpCapabilities(clientCaps, routerCaps, true);
    const rtpParameters = ortc.getSendingRtpParameters(kind, extended);
    const answerRtpParameters = ortc.getSendingRemoteRtpParameters(kind, extended);
    if (rtpParameters.codecs.length === 0) {
      throw new ServiceError(
        'unsupported_codec',
        `m=${kind} (mid ${mid}) offers ${offered(media)}; the server accepts ${accepted(routerCaps)}`,
      );
    }
    // The client's first codec the router takes (and its RTX), as a browser would pick.
    rtpParameters.codecs = ortc.reduceCodecs(rtpParameters.codecs);
    answerRtpParameters.codecs = ortc.reduceCodecs(answerRtpParameters.codecs);
    rtpParameters.mid = mid;
    rtpParameters.rtcp = { ...rtpParameters.rtcp, cname: cnameOf(media) };
    rtpParameters.encodings = encodingsOf(media, rtpParameters);
    tracks.push({ kind, mid, rtpParameters, answerRtpParameters, media });
  }
  requireSdp(
    new Set(tracks.map((t) => t.kind)).size === tracks.length,
    'more than one audio or video section',
  );
  return { dtls, iceUfrag: String(iceUfrag), tracks };
}

function cnameOf(media: sdpTransform.MediaDescription): string | undefined {
  try {
    return sdpCommonUtils.getCname({ offerMediaObject: media });
  } catch {
    return undefined;
  }
}

/** The server's DTLS role: the other side of the client's (RFC 8842: an answer to actpass is active). */
export function answerDtlsRole(client: DtlsParameters['role']): 'client' | 'server' {
  return client === 'client' ? 'server' : 'client';
}

/** The SDP answer: ICE-lite, the transport's candidates and fingerprint, each section's chosen codec. */
export function writeAnswer(offer: PublishOffer, transport: protocol.Result<'createTransport'>): string {
  const remote = new RemoteSdp({
    iceParameters: forHelpers<IceParameters>(transport.iceParameters),
    iceCandidates: forHelpers<IceCandidate[]>(transport.iceCandidates),
    dtlsParameters: {
      ...forHelpers<DtlsParameters>(transport.dtlsParameters),
      role: answerDtlsRole(offer.dtls.role),
    },
  });
  for (const track of offer.tracks) {
    remote.send({
      offerMediaObject: track.media,
      offerRtpParameters: track.rtpParameters,
      answerRtpParameters: track.answerRtpParameters,
    });
  }
  return remote.getSdp();
}
