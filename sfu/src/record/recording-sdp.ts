// The SDP ffmpeg reads to receive a recording's RTP: one media section per consumer, at the port ffmpeg
// listens on (RTCP on the next one), in the consumer's payload type, clock rate and codec parameters.
import type { types } from 'mediasoup';

export interface RecordedTrack {
  kind: 'audio' | 'video';
  /** ffmpeg's RTP port (RTCP: port + 1). */
  port: number;
  rtpParameters: types.RtpParameters;
}

/** The container a track set is written to without re-encoding: Matroska for H264, WebM for VP8/VP9. */
export function containerFor(tracks: RecordedTrack[]): 'mkv' | 'webm' {
  const video = tracks.find((t) => t.kind === 'video')?.rtpParameters.codecs[0]?.mimeType.toLowerCase();
  return video === 'video/vp8' || video === 'video/vp9' ? 'webm' : 'mkv';
}

const fmtp = (parameters: Record<string, unknown> | undefined): string | undefined => {
  const entries = Object.entries(parameters ?? {}).filter(([, v]) => v !== undefined);
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(';') : undefined;
};

export function recordingSdp(tracks: RecordedTrack[]): string {
  const lines = [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=Inclubit 360 recording',
    'c=IN IP4 127.0.0.1',
    't=0 0',
  ];
  for (const track of tracks) {
    const codec = track.rtpParameters.codecs[0];
    if (!codec) throw new Error(`the ${track.kind} consumer has no codec`);
    const name = codec.mimeType.split('/')[1]!;
    const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
    lines.push(`m=${track.kind} ${track.port} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`);
    const params = fmtp(codec.parameters as Record<string, unknown> | undefined);
    if (params) lines.push(`a=fmtp:${codec.payloadType} ${params}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
