// Copy or re-encode, from what the source sends; and the command line that does it.
import { describe, expect, it } from 'vitest';
import { bridgeArgs, planBridge } from './bridge-command.js';

describe('planBridge', () => {
  it('copies H264 Baseline, Main and High without B-frames, as the router profile of that family', () => {
    expect(
      planBridge({ video: { codec: 'h264', profileLevelId: '42c01f', bframes: false } }).video,
    ).toMatchObject({
      mode: 'copy',
      profileLevelId: '42e01f',
    });
    expect(
      planBridge({ video: { codec: 'h264', profileLevelId: '640028', bframes: false } }).video?.mode,
    ).toBe('copy');
  });

  it('re-encodes B-frames, other profiles and other codecs; audio is always bridged', () => {
    const plan = planBridge({
      video: { codec: 'h264', profileLevelId: '4d0029', bframes: true },
      audio: { codec: 'aac' },
    });
    expect(plan.video).toMatchObject({ mode: 're-encode', why: 'the stream has B-frames' });
    expect(plan.audio).toBe(true);
    expect(
      planBridge({ video: { codec: 'h264', profileLevelId: '6e0028', bframes: false } }).video?.mode,
    ).toBe('re-encode');
    expect(planBridge({ video: { codec: 'hevc', bframes: false } }).video?.why).toMatch(/hevc/);
    expect(planBridge({ audio: { codec: 'aac' } })).toEqual({ audio: true });
  });
});

describe('bridgeArgs', () => {
  const target = {
    ip: '127.0.0.1',
    rtpPort: 40000,
    rtcpPort: 40001,
    localPort: 20000,
    ssrc: 1234,
    payloadType: 96,
  };
  it('copies with in-band parameter sets, or re-encodes without B-frames and a keyframe every second', () => {
    const copy = bridgeArgs({
      format: 'flv',
      plan: planBridge({
        video: { codec: 'h264', profileLevelId: '42c01f', bframes: false },
        audio: { codec: 'aac' },
      }),
      video: target,
      audio: { ...target, payloadType: 111, ssrc: 5678 },
      reencodeKbps: 4000,
    }).join(' ');
    expect(copy).toContain('-c:v copy -bsf:v h264_mp4toannexb');
    expect(copy).toContain('-c:a libopus');
    expect(copy).toContain('rtp://127.0.0.1:40000?localrtpport=20000&localrtcpport=20001&rtcpport=40001');
    const reencode = bridgeArgs({
      format: 'mpegts',
      plan: planBridge({ video: { codec: 'h264', profileLevelId: '640028', bframes: true } }),
      video: target,
      reencodeKbps: 4000,
    }).join(' ');
    expect(reencode).toContain('-c:v libx264 -preset ultrafast -tune zerolatency');
    expect(reencode).toContain('-bf 0');
    expect(reencode).toContain('expr:gte(t,n_forced*1)');
    expect(reencode).not.toContain('libopus');
  });
});
