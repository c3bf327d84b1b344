// When a camera's picture counts as stalled, from the bytes received for it (read as the room reads them).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StallWatch } from './stall-watch.js';

let received = 0;
const changes: boolean[] = [];
let watch: StallWatch;

beforeEach(() => {
  vi.useFakeTimers();
  received = 0;
  changes.length = 0;
  watch = new StallWatch(
    () => Promise.resolve(received),
    (s) => changes.push(s),
    { intervalMs: 500, stallMs: 2000 },
  );
});
afterEach(() => {
  watch.close();
  vi.useRealTimers();
});

/** `ms` of time, with `bytesPerTick` arriving at every read. */
async function run(ms: number, bytesPerTick: number) {
  for (let t = 0; t < ms; t += 500) {
    received += bytesPerTick;
    await vi.advanceTimersByTimeAsync(500);
  }
}

describe('StallWatch', () => {
  it('is not stalled before the picture ever flowed (a camera still starting)', async () => {
    await run(5000, 0);
    expect(watch.stalled).toBe(false);
    expect(changes).toEqual([]);
  });

  it('stalls 2 s after the bytes stop, and flows again at the first new bytes', async () => {
    await run(3000, 1000);
    await run(1500, 0);
    expect(watch.stalled).toBe(false);
    await run(1000, 0);
    expect(watch.stalled).toBe(true);
    await run(500, 1000);
    expect(watch.stalled).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('stops reading once closed', async () => {
    const read = vi.fn(() => Promise.resolve(received));
    const w = new StallWatch(read, () => {}, { intervalMs: 500, stallMs: 2000 });
    await vi.advanceTimersByTimeAsync(1000);
    w.close();
    const reads = read.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(read.mock.calls.length).toBe(reads);
  });
});
