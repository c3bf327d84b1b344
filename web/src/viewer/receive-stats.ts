// Turns WebRTC statistics of the receiving connection into the figures the stats overlay shows.

export interface ReceiveStats {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  lossPercent: number;
  rttMs: number | undefined;
  jitterBufferMs: number | undefined;
  /** Whether media comes straight from the SFU or through a TURN relay. */
  connection: 'direct' | 'relay' | undefined;
}

export interface VideoCounters {
  at: number;
  bytes: number;
}

type Stat = Record<string, unknown>;
const num = (s: Stat | undefined, k: string) => (typeof s?.[k] === 'number' ? s[k] : 0);

/** `previous` is the last sample's byte counter, for the bitrate; returns the new figures and counter. */
export function summarize(report: RTCStatsReport, previous: VideoCounters | undefined) {
  const stats: Stat[] = [];
  report.forEach((s: Stat) => stats.push(s));
  // mediasoup also sends a "probator" video stream (bandwidth probing) that never has frames: take the stream
  // that decodes the most.
  const video = stats
    .filter((s) => s.type === 'inbound-rtp' && s.kind === 'video')
    .sort((a, b) => num(b, 'framesDecoded') - num(a, 'framesDecoded'))[0];
  const pair = stats.find(
    (s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded',
  );
  const now = num(video, 'timestamp') || performance.now();
  const bytes = num(video, 'bytesReceived');
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const lost = num(video, 'packetsLost');
  const received = num(video, 'packetsReceived');
  const emitted = num(video, 'jitterBufferEmittedCount');
  const rtt = pair && typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : undefined;
  const local = pair && stats.find((s) => s.id === pair.localCandidateId);
  const summary: ReceiveStats = {
    width: num(video, 'frameWidth'),
    height: num(video, 'frameHeight'),
    fps: Math.round(num(video, 'framesPerSecond')),
    bitrateKbps: previous && seconds > 0 ? Math.round(((bytes - previous.bytes) * 8) / seconds / 1000) : 0,
    lossPercent: lost + received > 0 ? (100 * lost) / (lost + received) : 0,
    rttMs: rtt === undefined ? undefined : Math.round(rtt * 1000),
    jitterBufferMs: emitted > 0 ? Math.round((1000 * num(video, 'jitterBufferDelay')) / emitted) : undefined,
    connection: local ? (local.candidateType === 'relay' ? 'relay' : 'direct') : undefined,
  };
  return { summary, counters: { at: now, bytes } };
}
