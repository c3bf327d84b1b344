import { describe, expect, it } from 'vitest';
import { HEAT_COLUMNS, HEAT_ROWS, HeatMap, cellOf } from './heat-map';

describe('HeatMap', () => {
  it('puts directions in their cells, edges included', () => {
    expect(cellOf({ yaw: -180, pitch: 90 })).toBe(0);
    expect(cellOf({ yaw: 180, pitch: -90 })).toBe(HEAT_COLUMNS * HEAT_ROWS - 1);
    expect(cellOf({ yaw: 0, pitch: 0 })).toBe((HEAT_ROWS / 2) * HEAT_COLUMNS + HEAT_COLUMNS / 2);
  });

  it('counts the last minute only', () => {
    const heat = new HeatMap(60_000);
    const front = { yaw: 1, pitch: 1 };
    heat.add([front, front], 0);
    heat.add([front, { yaw: 90, pitch: 0 }], 30_000);
    expect(heat.counts[cellOf(front)]).toBe(3);
    expect(heat.max()).toBe(3);
    heat.expire(60_000);
    expect(heat.counts[cellOf(front)]).toBe(1);
    heat.expire(90_000);
    expect(heat.max()).toBe(0);
  });

  it('stays small over a long lesson', () => {
    const heat = new HeatMap(1000);
    for (let t = 0; t < 100_000; t += 10) heat.add([{ yaw: 0, pitch: 0 }], t);
    expect(heat.max()).toBe(100);
    expect((heat as unknown as { queue: unknown[] }).queue.length).toBeLessThan(10_000);
  });
});
