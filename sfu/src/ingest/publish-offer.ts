// A WHIP client's offer, read into what mediasoup needs (one producer's RTP parameters per section), and its
// answer. The mapping is mediasoup-client's ORTC matching and SDP helpers, the code every mediasoup browser
// client runs on its own offers; nothing here parses SDP text.
import type * as sdpTransform from 'sdp-transform';
import * as ortc from 'mediasoup-client/ortc';
import * as sdpCommonUtils from 'mediasoup-client/handlers/sdp/commonUtils';
import * as sdpUnifiedPlanUtils from 'mediasoup-client/handlers/sdp/unifiedPlanUtils';
import type { RtpCapabilities, RtpEncodingParameters, RtpParameters } from 'mediasoup-client/types';
import type * as protocol from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { accepted, forHelpers, offered, readOffer, serverAnswer, type SessionOffer } from './sdp-offer.js';

export interface OfferedTrack {
  kind: 'audio' | 'video';
  mid: string;
  /** What the client sends (its payload types, SSRCs or RIDs): the producer's parameters. */
  rtpParameters: RtpParameters;
  /** The same codec as the server's answer states it. */
  answerRtpParameters: RtpParameters;
  media: sdpTransform.MediaDescription;
}

export interface PublishOffer extends Omit<SessionOffer, 'sections'> {
  tracks: OfferedTrack[];
}

/** The encodings the client sends: by RID (simulcast), by SSRC, or, with neither, one stream found by MID. */
function encodingsOf(media: sdpTransform.MediaDescription, rtp: RtpParameters): RtpEncodingParameters[] {
  const rids = (media.rids ?? []).filter((r) => r.direction === 'send');
  if (rids.length > 0) return rids.map((r) => ({ rid: String(r.id) }));
  if (media.ssrcs?.length)
    return sdpUnifiedPlanUtils.getRtpEncodings({ offerMediaObject: media, codecs: rtp.codecs });
  return [{}];
}

function cnameOf(media: sdpTransform.MediaDescription): string | undefined {
  try {
    return sdpCommonUtils.getCname({ offerMediaObject: media });
  } catch {
    return undefined;
  }
}

/**
 * Reads a WHIP offer against the router's capabilities. Throws `bad_request` naming what is missing or
 * malformed, and `unsupported_codec` naming what the server accepts when a section offers nothing it takes.
 */
export function readPublishOffer(sdp: string, routerCapabilities: protocol.RtpCapabilities): PublishOffer {
  const routerCaps = forHelpers<RtpCapabilities>(routerCapabilities);
  const { sections, ...session } = readOffer(sdp, 'publish');
  const tracks = sections.map(({ kind, mid, media, clientCaps }): OfferedTrack => {
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
    return { kind, mid, rtpParameters, answerRtpParameters, media };
  });
  return { ...session, tracks };
}

/** The SDP answer: ICE-lite, the transport's candidates and fingerprint, each section's chosen codec. */
export function writeAnswer(offer: PublishOffer, transport: protocol.Result<'createTransport'>): string {
  const remote = serverAnswer(offer, transport);
  for (const track of offer.tracks) {
    remote.send({
      offerMediaObject: track.media,
      offerRtpParameters: track.rtpParameters,
      answerRtpParameters: track.answerRtpParameters,
    });
  }
  return remote.getSdp();
}
