// RTP parameters a browser camera would send, written out so server tests need no browser.
import type { DtlsParameters, RtpParameters } from '../protocol/index.js';

export const cameraVideo: RtpParameters = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
    },
  ],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: 'test-camera' },
};

/** The same camera sending three simulcast layers (¼, ½ and full width), each with three temporal layers. */
export const cameraSimulcastVideo: RtpParameters = {
  ...cameraVideo,
  encodings: [4, 2, 1].map((scale, i) => ({
    ssrc: 22222230 + i,
    scaleResolutionDownBy: scale,
    scalabilityMode: 'L1T3',
    maxBitrate: Math.round(4_000_000 / scale ** 1.5),
  })),
};

export const cameraAudio: RtpParameters = {
  mid: '1',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 33333333 }],
  rtcp: { cname: 'test-camera' },
};

export const clientDtls: DtlsParameters = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};
