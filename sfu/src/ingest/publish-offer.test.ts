// Reading real WHIP offers (what simple-whip-client on GStreamer and what Chromium send) against a real router's
// capabilities, answering them, and naming what is wrong with bad ones.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import * as sdpTransform from 'sdp-transform';
import { mediaCodecs } from '../media/codecs.js';
import type { Result } from '../protocol/index.js';
import { readPublishOffer, writeAnswer } from './publish-offer.js';

const fixture = (name: string) =>
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');
const gstreamer = fixture('gstreamer-h264-opus.sdp');
const chromium = fixture('chromium-vp8-opus.sdp');

let worker: types.Worker;
let router: types.Router;
beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'none' });
  router = await worker.createRouter({ mediaCodecs });
});
afterAll(() => worker?.close());

const read = (sdp: string) => readPublishOffer(sdp, router.rtpCapabilities);
const errorOf = (sdp: string) => {
  try {
    read(sdp);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('offer was accepted');
};

describe('readPublishOffer', () => {
  it("takes GStreamer's H264 High and Opus with their payload types, SSRCs and MIDs", () => {
    const offer = read(gstreamer);
    expect(offer.dtls.role).toBe('auto'); // a=setup:actpass
    expect(offer.dtls.fingerprints[0]?.algorithm).toBe('sha-256');
    expect(offer.iceUfrag).toBe('y7IZcLFfVPUpITtk/DHODHEN+6CMEwup');
    const [video, audio] = offer.tracks;
    expect(video).toMatchObject({ kind: 'video', mid: 'video0' });
    expect(video?.rtpParameters.codecs).toHaveLength(1);
    expect(video?.rtpParameters.codecs[0]).toMatchObject({
      mimeType: 'video/H264',
      payloadType: 96,
      // High profile; the level is the router's (level-asymmetry-allowed: the client sends up to its own).
      parameters: { 'packetization-mode': 1 },
    });
    expect(video?.rtpParameters.codecs[0]?.parameters?.['profile-level-id']).toMatch(/^6400/);
    expect(video?.rtpParameters.encodings).toEqual([expect.objectContaining({ ssrc: 2 })]);
    expect(video?.rtpParameters.mid).toBe('video0');
    expect(audio).toMatchObject({ kind: 'audio', mid: 'audio1' });
    expect(audio?.rtpParameters.codecs[0]).toMatchObject({ mimeType: 'audio/OPUS', payloadType: 100 });
    expect(audio?.rtpParameters.encodings).toEqual([expect.objectContaining({ ssrc: 1 })]);
  });

  it("takes Chromium's offer: its first codec the router has, with RTX and header extensions", () => {
    const offer = read(chromium);
    const video = offer.tracks.find((t) => t.kind === 'video')!;
    expect(video.rtpParameters.codecs.map((c) => c.mimeType)).toEqual(['video/VP8', 'video/rtx']);
    const [encoding] = video.rtpParameters.encodings ?? [];
    expect(encoding?.ssrc).toBeGreaterThan(0);
    expect(encoding?.rtx?.ssrc).toBeGreaterThan(0);
    expect(video.rtpParameters.headerExtensions?.map((h) => h.uri)).toContain(
      'urn:ietf:params:rtp-hdrext:sdes:mid',
    );
  });
});

describe('writeAnswer', () => {
  it('answers as an ICE-lite, active DTLS, recvonly bundle with the chosen codecs', async () => {
    const transport = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
    const offer = read(gstreamer);
    const answer = sdpTransform.parse(
      writeAnswer(offer, {
        transportId: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      } as Result<'createTransport'>),
    );
    transport.close();
    expect(answer.icelite).toBe('ice-lite');
    expect(answer.groups?.[0]).toEqual({ type: 'BUNDLE', mids: 'video0 audio1' });
    expect(answer.media.map((m) => [m.type, m.mid, m.direction, m.setup])).toEqual([
      ['video', 'video0', 'recvonly', 'active'],
      ['audio', 'audio1', 'recvonly', 'active'],
    ]);
    expect(answer.media[0]?.rtp).toEqual([expect.objectContaining({ payload: 96, codec: 'H264' })]);
    expect(answer.media[0]?.fmtp[0]?.config).toMatch(/profile-level-id=6400/);
    expect(answer.media[0]?.candidates?.[0]).toMatchObject({
      ip: '127.0.0.1',
      port: transport.iceCandidates[0]?.port,
    });
    expect(answer.media[0]?.iceUfrag).toBe(transport.iceParameters.usernameFragment);
    const ours = transport.dtlsParameters.fingerprints.map((f) => `${f.algorithm} ${f.value}`);
    expect(ours).toContain(`${answer.fingerprint?.type} ${answer.fingerprint?.hash}`);
  });
});

describe('bad offers', () => {
  const without = (pattern: RegExp) => gstreamer.replace(pattern, '');

  it.each([
    ['not SDP', 'hello', 'must start with v=0'],
    ['no media', gstreamer.slice(0, gstreamer.indexOf('m=video')), 'no media section'],
    ['no fingerprint', without(/^a=fingerprint:.*\r\n/gm), 'a=fingerprint'],
    ['no ICE credentials', without(/^a=ice-(ufrag|pwd):.*\r\n/gm), 'a=ice-ufrag'],
    ['no rtcp-mux', without(/^a=rtcp-mux(-only)?\r\n/gm), 'a=rtcp-mux'],
    ['outside the bundle', gstreamer.replace('BUNDLE video0 audio1', 'BUNDLE video0'), 'BUNDLE'],
    ['recvonly', gstreamer.replace('a=sendonly', 'a=recvonly'), 'recvonly'],
    [
      'no codec',
      gstreamer.replace(/^a=rtpmap:96 .*\r\n/m, '').replace('SAVPF 96', 'SAVPF'),
      'offers no codec',
    ],
    [
      'a data channel',
      gstreamer.replace(
        'm=audio 0 UDP/TLS/RTP/SAVPF 100',
        'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
      ),
      'audio and video only',
    ],
    [
      'two video sections',
      gstreamer
        .replace('m=audio 0 UDP/TLS/RTP/SAVPF 100', 'm=video 0 UDP/TLS/RTP/SAVPF 100')
        .replace('OPUS/48000/2', 'VP8/90000'),
      'more than one',
    ],
  ])('%s: bad_request naming it', (_name, sdp, says) => {
    const error = errorOf(sdp);
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain(says);
  });

  it('only codecs the server lacks: unsupported_codec naming what it takes', () => {
    const error = errorOf(gstreamer.replace('H264/90000', 'H265/90000'));
    expect(error.code).toBe('unsupported_codec');
    expect(error.message).toBe(
      'm=video (mid video0) offers H265; the server accepts ' +
        'H264 (Constrained Baseline, Main, High; packetization-mode=1), VP8, VP9, opus',
    );
  });

  it('H264 in packetization-mode 0 only: not taken', () => {
    const error = errorOf(gstreamer.replace('packetization-mode=1', 'packetization-mode=0'));
    expect(error.code).toBe('unsupported_codec');
  });
});
