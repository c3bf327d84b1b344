import { describe, expect, it } from 'vitest';
import { TIMECODE_CELLS, TIMECODE_HEIGHT, readTimecode, timecodeAge, timecodeCells } from './timecode';

/** An RGBA frame with the strip drawn the way drawTimecode does, optionally blurred by noise. */
function frame(ms: number, width: number, height: number, noise = 0): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4).fill(90);
  const cells = timecodeCells(ms);
  const top = Math.round(height * (1 - TIMECODE_HEIGHT));
  for (let y = top; y < height; y++)
    for (let x = 0; x < width; x++) {
      const white = cells[Math.min(TIMECODE_CELLS - 1, Math.floor((x * TIMECODE_CELLS) / width))];
      const v = (white ? 235 : 16) + Math.round((Math.random() * 2 - 1) * noise);
      px.set([v, v, v, 255], (y * width + x) * 4);
    }
  return px;
}

describe('test-pattern time code', () => {
  it('reads back what was drawn, at the frame size and scaled down', () => {
    const now = Date.now();
    expect(readTimecode(frame(now, 1920, 960), 1920, 960)).toBe(now >>> 0);
    expect(readTimecode(frame(now + 12345, 320, 160, 60), 320, 160)).toBe((now + 12345) >>> 0);
  });

  it('rejects a strip whose check does not match (a half-updated or damaged frame)', () => {
    const px = frame(1_700_000_000_123, 400, 200);
    // Flip the first cell's pixels on the sampled row.
    const y = Math.floor(200 * (1 - 1 / 48));
    for (let x = 0; x < 10; x++) px.set([255 - px[(y * 400 + x) * 4]!, 0, 0, 255], (y * 400 + x) * 4);
    expect(readTimecode(px, 400, 200)).toBeUndefined();
    expect(readTimecode(new Uint8ClampedArray(400 * 200 * 4), 400, 200)).toBeUndefined();
  });

  it('measures the age across the 32-bit wrap', () => {
    expect(timecodeAge(2 ** 32 - 10, 2 ** 32 + 25)).toBe(35);
    expect(timecodeAge(Date.now() >>> 0, Date.now() + 80)).toBeGreaterThanOrEqual(80);
  });
});
