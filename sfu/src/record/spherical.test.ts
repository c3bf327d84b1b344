// The 360 metadata per camera layout, and the SDP the recorder's ffmpeg reads (pure functions).
import { describe, expect, it } from 'vitest';
import { sphericalMetadata } from './spherical.js';
import { containerFor, recordingSdp } from './recording-sdp.js';

describe('sphericalMetadata', () => {
  it('tags each layout and sets Matroska projection and stereo mode (left eye first unless swapped)', () => {
    expect(sphericalMetadata({ projection: 'mono-360', swapEyes: false })).toEqual({
      tag: '_360',
      trackProperties: ['projection-type=1', 'stereo-mode=0'],
    });
    expect(sphericalMetadata({ projection: 'stereo-360-tb', swapEyes: false }).trackProperties).toContain(
      'stereo-mode=3',
    );
    expect(sphericalMetadata({ projection: 'stereo-360-tb', swapEyes: true }).trackProperties).toContain(
      'stereo-mode=2',
    );
    expect(sphericalMetadata({ projection: 'stereo-360-sbs', swapEyes: false }).tag).toBe('_360_LR');
    expect(sphericalMetadata({ projection: 'stereo-360-sbs', swapEyes: true }).trackProperties).toContain(
      'stereo-mode=11',
    );
    // 180°: the middle half of an equirectangular picture (a quarter cropped off each side, 0.32 fixed point).
    expect(sphericalMetadata({ projection: 'stereo-180-sbs', swapEyes: false })).toEqual({
      tag: '_180_LR',
      trackProperties: [
        'projection-type=1',
        'projection-private=0000000000000000000000004000000040000000',
        'stereo-mode=1',
      ],
    });
  });
});

describe('recordingSdp', () => {
  const h264 = {
    kind: 'video' as const,
    port: 20000,
    rtpParameters: {
      codecs: [
        {
          mimeType: 'video/H264',
          payloadType: 102,
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
        },
      ],
    },
  };
  const opus = {
    kind: 'audio' as const,
    port: 20002,
    rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }] },
  };

  it('describes each track at its port, in its payload type and codec parameters', () => {
    expect(recordingSdp([h264, opus]).split('\r\n')).toEqual([
      'v=0',
      'o=- 0 0 IN IP4 127.0.0.1',
      's=Inclubit 360 recording',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=video 20000 RTP/AVP 102',
      'a=rtpmap:102 H264/90000',
      'a=fmtp:102 packetization-mode=1;profile-level-id=42e01f',
      'a=recvonly',
      'm=audio 20002 RTP/AVP 100',
      'a=rtpmap:100 opus/48000/2',
      'a=recvonly',
      '',
    ]);
  });

  it('writes H264 to Matroska and VP8 to WebM', () => {
    expect(containerFor([h264, opus])).toBe('mkv');
    const vp8 = {
      ...h264,
      rtpParameters: { codecs: [{ ...h264.rtpParameters.codecs[0]!, mimeType: 'video/VP8' }] },
    };
    expect(containerFor([vp8, opus])).toBe('webm');
    expect(containerFor([opus])).toBe('mkv');
  });
});
