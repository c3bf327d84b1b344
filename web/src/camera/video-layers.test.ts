import { describe, expect, it } from 'vitest';
import { layerBitrate, layerPlan, videoEncodings } from './video-layers';

describe('the camera’s video layers', () => {
  it('simulcasts by default, uses SVC for VP9, and sends one layer when adaptive quality is off', () => {
    expect(layerPlan(true, undefined)).toBe('simulcast');
    expect(layerPlan(true, 'video/H264')).toBe('simulcast');
    expect(layerPlan(true, 'video/VP9')).toBe('svc');
    expect(layerPlan(false, 'video/VP9')).toBe('single');
  });

  it('sends ¼, ½ and full width, the top at the maximum and smaller layers sized for their pixels', () => {
    const encodings = videoEncodings('simulcast', 15_000_000, ['L1T1', 'L1T3']);
    expect(encodings.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(encodings.map((e) => e.maxBitrate)).toEqual([1_875_000, 5_303_301, 15_000_000]);
    expect(encodings.every((e) => e.scalabilityMode === 'L1T3')).toBe(true);
    expect(layerBitrate(8_000_000, 1)).toBe(8_000_000);
  });

  it('asks for temporal layers only where the encoder offers them', () => {
    expect(videoEncodings('simulcast', 1e6, ['L1T1']).some((e) => e.scalabilityMode)).toBe(false);
    expect(videoEncodings('simulcast', 1e6, undefined).some((e) => e.scalabilityMode)).toBe(false);
    expect(videoEncodings('svc', 1e6, ['L3T3_KEY'])).toEqual([
      { maxBitrate: 1e6, scalabilityMode: 'L3T3_KEY' },
    ]);
    expect(videoEncodings('svc', 1e6, [])).toEqual([{ maxBitrate: 1e6 }]);
  });

  it('sends one encoding at the maximum when single', () => {
    expect(videoEncodings('single', 4e6, ['L1T3'])).toEqual([{ maxBitrate: 4e6 }]);
  });
});
