import { describe, expect, it } from 'vitest';
import {
  FLOOR_CAP_BPS,
  FLOOR_MARGIN,
  MEDIASOUP_MIN_BPS,
  floorChanged,
  layerFloorBps,
} from './layer-floor.js';

describe('layerFloorBps', () => {
  it('keeps the cheapest simulcast stream, with the margin', () => {
    const floor = layerFloorBps([{ bitrate: 900_000 }, { bitrate: 110_000 }, { bitrate: 310_000 }]);
    expect(floor).toBe(Math.ceil(110_000 * FLOOR_MARGIN));
  });

  it('keeps a stream at its lowest temporal layer when it has temporal layers', () => {
    const streams = [
      { bitrate: 120_000, bitrateByLayer: { '0.0': 60_000, '0.1': 90_000, '0.2': 120_000 } },
      { bitrate: 400_000, bitrateByLayer: { '0.0': 200_000, '0.1': 300_000, '0.2': 400_000 } },
    ];
    expect(layerFloorBps(streams)).toBe(Math.ceil(60_000 * FLOOR_MARGIN));
  });

  it('keeps the lowest spatial layer of an SVC stream', () => {
    const svc = {
      bitrate: 2_000_000,
      bitrateByLayer: { '0.0': 80_000, '0.2': 200_000, '1.0': 500_000, '2.2': 2_000_000 },
    };
    expect(layerFloorBps([svc])).toBe(100_000);
  });

  it('ignores streams that do not send (a layer the camera dropped), and knows nothing without any', () => {
    expect(layerFloorBps([{ bitrate: 0 }, { bitrate: 300_000 }])).toBe(375_000);
    expect(layerFloorBps([{ bitrate: 0 }])).toBeUndefined();
    expect(layerFloorBps([])).toBeUndefined();
  });

  it('stays within mediasoup minimum and the cap', () => {
    expect(layerFloorBps([{ bitrate: 8_000 }])).toBe(MEDIASOUP_MIN_BPS);
    expect(layerFloorBps([{ bitrate: 5_000_000 }])).toBe(FLOOR_CAP_BPS);
  });
});

describe('floorChanged', () => {
  it('replaces a floor only on a change of 30 % or more', () => {
    expect(floorChanged(undefined, 100_000)).toBe(true);
    expect(floorChanged(100_000, 125_000)).toBe(false);
    expect(floorChanged(100_000, 75_000)).toBe(false);
    expect(floorChanged(100_000, 131_000)).toBe(true);
    expect(floorChanged(100_000, 69_000)).toBe(true);
  });
});
