import { describe, expect, it } from 'vitest';
import { readSender, topLayer, type ByteCounts } from './sender-stats';

const out = (rid: string, width: number, bytes: number, extra: Record<string, unknown> = {}) => ({
  type: 'outbound-rtp',
  kind: 'video',
  id: `OT-${rid}`,
  rid,
  frameWidth: width,
  frameHeight: width / 2,
  framesPerSecond: 30,
  bytesSent: bytes,
  qualityLimitationReason: 'none',
  ...extra,
});

describe('what the camera sends, layer by layer', () => {
  it('gives each layer its bitrate since the last read, lowest first, and their sum', () => {
    const counts: ByteCounts = new Map();
    readSender([out('r2', 3840, 1000), out('r0', 960, 100), out('r1', 1920, 500)], counts, 0);
    const second = readSender(
      [out('r2', 3840, 1_001_000), out('r0', 960, 125_100), out('r1', 1920, 250_500)],
      counts,
      1000,
    );
    expect(second.layers.map((l) => [l.rid, l.width, l.bitrateBps])).toEqual([
      ['r0', 960, 1_000_000],
      ['r1', 1920, 2_000_000],
      ['r2', 3840, 8_000_000],
    ]);
    expect(second.bitrateBps).toBe(11_000_000);
    expect(topLayer(second)?.rid).toBe('r2');
  });

  it('marks a layer the browser stopped sending, and the top is then the widest still sending', () => {
    const counts: ByteCounts = new Map();
    readSender([out('r0', 960, 100), out('r1', 1920, 500), out('r2', 3840, 1000)], counts, 0);
    const reading = readSender(
      [
        out('r0', 960, 2000),
        out('r1', 1920, 9000),
        out('r2', 3840, 1000, { qualityLimitationReason: 'bandwidth' }),
      ],
      counts,
      1000,
    );
    expect(reading.layers.map((l) => l.sending)).toEqual([true, true, false]);
    expect(reading.layers[2]?.qualityLimitation).toBe('bandwidth');
    expect(topLayer(reading)?.rid).toBe('r1');
  });

  it('reads round trip and loss from the receiver’s reports, and forgets streams that are gone', () => {
    const counts: ByteCounts = new Map([['OT-old', { bytes: 5, at: 0 }]]);
    const reading = readSender(
      [
        out('r0', 960, 100),
        { type: 'remote-inbound-rtp', kind: 'video', roundTripTime: 0.012, fractionLost: 0.02 },
      ],
      counts,
      1000,
    );
    expect(reading.rttMs).toBe(12);
    expect(reading.lossPercent).toBeCloseTo(2);
    expect([...counts.keys()]).toEqual(['OT-r0']);
  });
});
