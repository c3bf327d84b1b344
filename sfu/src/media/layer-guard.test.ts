import { describe, expect, it } from 'vitest';
import { DROP_SHARE, HOLD_MS, LayerGuard, layerCosts } from './layer-guard.js';

// A camera's three layers at their full frame rate, as the e2e camera sends them.
const COSTS = [110_000, 320_000, 930_000];

/** A guard fed `bps` once a second from t=0 to `untilMs` (mediasoup tells its estimate about that often). */
function fed(guard: LayerGuard, bps: number, fromMs: number, untilMs: number): LayerGuard {
  for (let at = fromMs; at <= untilMs; at += 1000) guard.estimate(at, bps);
  return guard;
}

describe('LayerGuard', () => {
  it('starts a viewer on the lowest layer until its estimate has held', () => {
    const guard = new LayerGuard();
    guard.estimate(0, 5_000_000);
    expect(guard.cap(0, COSTS)).toBe(0);
    expect(guard.cap(HOLD_MS - 1, COSTS)).toBe(0);
  });

  it('gives the highest layer the estimate has covered for the whole hold, at once', () => {
    const guard = fed(new LayerGuard(), 1_200_000, 0, HOLD_MS);
    expect(guard.cap(HOLD_MS, COSTS)).toBe(2);
  });

  it('ignores a jump of the estimate that has not held (a probe read high)', () => {
    const guard = fed(new LayerGuard(), 200_000, 0, 10_000);
    expect(guard.cap(10_000, COSTS)).toBe(0);
    guard.estimate(10_100, 900_000); // 130 ms later it falls back
    guard.estimate(10_230, 210_000);
    expect(guard.cap(10_100, COSTS)).toBe(0);
    expect(guard.cap(10_230 + HOLD_MS - 1, COSTS)).toBe(0);
  });

  it('moves up only as far as the lowest estimate of the hold allows', () => {
    const guard = fed(new LayerGuard(), 400_000, 0, 10_000);
    guard.estimate(10_500, 2_000_000);
    expect(guard.cap(10_500 + HOLD_MS - 100, COSTS)).toBe(1);
    expect(guard.cap(10_500 + HOLD_MS, COSTS)).toBe(2);
  });

  it('takes a layer away when the estimate falls well below its cost, and not for a dip', () => {
    const guard = fed(new LayerGuard(), 1_200_000, 0, HOLD_MS);
    expect(guard.cap(HOLD_MS, COSTS)).toBe(2);
    guard.estimate(HOLD_MS + 100, COSTS[2]! * DROP_SHARE + 1_000);
    expect(guard.cap(HOLD_MS + 100, COSTS)).toBe(2);
    guard.estimate(HOLD_MS + 200, 250_000);
    expect(guard.cap(HOLD_MS + 200, COSTS)).toBe(1);
    guard.estimate(HOLD_MS + 300, 50_000);
    expect(guard.cap(HOLD_MS + 300, COSTS)).toBe(0);
  });

  it('keeps its cap while the layer costs are unknown, and within the layers that exist', () => {
    const guard = fed(new LayerGuard(2), 50_000, 0, HOLD_MS);
    expect(guard.cap(HOLD_MS, [])).toBe(2);
    expect(guard.cap(HOLD_MS, [100_000])).toBe(0);
  });

  it('tells the estimate now', () => {
    const guard = new LayerGuard();
    expect(guard.latest).toBeUndefined();
    guard.estimate(0, 300_000);
    guard.estimate(1000, 280_000);
    expect(guard.latest).toBe(280_000);
  });
});

describe('layerCosts', () => {
  const count = { spatial: 3, temporal: 3 };

  it('reads each simulcast encoding from its stream, matched by rid, lowest first', () => {
    const encodings = [{ rid: 'r0' }, { rid: 'r1' }, { rid: 'r2' }];
    const stats = [
      { rid: 'r2', bitrate: 930_000 },
      { rid: 'r0', bitrate: 110_000 },
      { rid: 'r1', bitrate: 320_000 },
    ];
    expect(layerCosts(encodings, count, stats)).toEqual(COSTS);
  });

  it('matches by ssrc when the encodings have no rid', () => {
    const encodings = [{ ssrc: 11 }, { ssrc: 22 }];
    const stats = [
      { ssrc: 22, bitrate: 500_000 },
      { ssrc: 11, bitrate: 100_000 },
    ];
    expect(layerCosts(encodings, { spatial: 2, temporal: 1 }, stats)).toEqual([100_000, 500_000]);
  });

  it('is unknown while a layer has no stream yet', () => {
    const encodings = [{ rid: 'r0' }, { rid: 'r1' }, { rid: 'r2' }];
    expect(layerCosts(encodings, count, [{ rid: 'r0', bitrate: 1 }])).toBeUndefined();
  });

  it('reads an SVC stream per spatial layer at its top temporal layer (cumulative)', () => {
    const svc = {
      ssrc: 1,
      bitrate: 1_000_000,
      bitrateByLayer: { '0.0': 40_000, '0.2': 100_000, '1.2': 300_000, '2.0': 500_000, '2.2': 1_000_000 },
    };
    expect(layerCosts([{ ssrc: 1 }], count, [svc])).toEqual([100_000, 300_000, 1_000_000]);
    expect(layerCosts([{ ssrc: 1 }], count, [{ ssrc: 1, bitrate: 0 }])).toBeUndefined();
  });
});
