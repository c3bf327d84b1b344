// A WHEP player's offer (receive-only sections) and the answer that sends it the room's camera: each section
// gets the consumer made for it (its codec, payload types and SSRCs, in the player's own payload types), a
// section the room has no track for is rejected (port 0). The answer's codec lines are written by
// mediasoup-client's RemoteSdp; the send-side attributes it does not write for an answer (direction, msid,
// SSRCs) are set on sdp-transform's objects.
import * as sdpTransform from 'sdp-transform';
import type { RtpParameters } from 'mediasoup-client/types';
import type * as protocol from '../protocol/index.js';
import { forHelpers, serverAnswer, type SessionOffer } from './sdp-offer.js';

export interface PlayedTrack {
  mid: string;
  /** The consumer's parameters (the player's payload types, the server's SSRCs). */
  rtpParameters: protocol.RtpParameters;
  /** msid: the stream and the track as the player will see them. */
  streamId: string;
  trackId: string;
}

export function writePlayAnswer(
  offer: SessionOffer,
  transport: protocol.Result<'createTransport'>,
  tracks: PlayedTrack[],
): string {
  const remote = serverAnswer(offer, transport);
  for (const track of tracks) {
    const section = offer.sections.find((s) => s.mid === track.mid);
    if (!section) continue;
    const rtp = forHelpers<RtpParameters>(track.rtpParameters);
    remote.send({ offerMediaObject: section.media, offerRtpParameters: rtp, answerRtpParameters: rtp });
  }
  const answer = sdpTransform.parse(remote.getSdp());
  const written = new Map(answer.media.map((m) => [String(m.mid), m]));
  answer.media = offer.sections.map((section) => {
    const track = tracks.find((t) => t.mid === section.mid);
    const media = written.get(section.mid);
    if (!track || !media) return rejected(section.media);
    media.direction = 'sendonly';
    media.msid = [{ id: track.streamId, appdata: track.trackId }];
    const encoding = track.rtpParameters.encodings?.[0];
    const cname = track.rtpParameters.rtcp?.cname ?? track.streamId;
    const ssrcs = [encoding?.ssrc, encoding?.rtx?.ssrc].filter((x): x is number => x !== undefined);
    media.ssrcs = ssrcs.flatMap((id) => [
      { id, attribute: 'cname', value: cname },
      { id, attribute: 'msid', value: `${track.streamId} ${track.trackId}` },
    ]);
    if (ssrcs.length === 2) media.ssrcGroups = [{ semantics: 'FID', ssrcs: ssrcs.join(' ') }];
    return media;
  });
  return sdpTransform.write(answer);
}

/** A section the answer declines (RFC 8829: port 0), keeping the offer's first format as SDP requires. */
function rejected(offered: sdpTransform.MediaDescription): sdpTransform.MediaDescription {
  const first = offered.rtp[0];
  return {
    type: offered.type,
    port: 0,
    protocol: offered.protocol,
    payloads: String(first?.payload ?? 0),
    rtp: first ? [first] : [],
    fmtp: [],
    mid: offered.mid,
    direction: 'inactive',
  };
}
