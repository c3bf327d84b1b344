// Where the class has looked over the last minute: every sample period, each sharing viewer's gaze adds one
// to its cell of a coarse yaw × pitch grid, and samples older than the window leave again. Counting is
// incremental (a queue of cells), so a class of 200 costs a few hundred additions a second.
import type { Direction } from '@inclubit/sfu/protocol';

export const HEAT_CELL_DEGREES = 5;
export const HEAT_COLUMNS = 360 / HEAT_CELL_DEGREES;
export const HEAT_ROWS = 180 / HEAT_CELL_DEGREES;

export class HeatMap {
  readonly counts = new Uint32Array(HEAT_COLUMNS * HEAT_ROWS);
  private readonly queue: { cell: number; at: number }[] = [];
  private head = 0;

  constructor(private readonly windowMs = 60_000) {}

  /** Each direction looked at, at `now` (ms). */
  add(directions: Iterable<Direction>, now: number): void {
    this.expire(now);
    for (const d of directions) {
      const cell = cellOf(d);
      this.counts[cell]!++;
      this.queue.push({ cell, at: now });
    }
  }

  expire(now: number): void {
    while (this.head < this.queue.length && this.queue[this.head]!.at <= now - this.windowMs) {
      this.counts[this.queue[this.head]!.cell]!--;
      this.head++;
    }
    // Compact now and then rather than shifting every time.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The largest count of a cell (for scaling colours). */
  max(): number {
    let m = 0;
    for (const c of this.counts) if (c > m) m = c;
    return m;
  }

  clear(): void {
    this.counts.fill(0);
    this.queue.length = 0;
    this.head = 0;
  }
}

/** The grid cell of a direction: column from yaw -180 at the left, row from pitch +90 at the top. */
export function cellOf({ yaw, pitch }: Direction): number {
  const column = Math.min(HEAT_COLUMNS - 1, Math.floor((yaw + 180) / HEAT_CELL_DEGREES));
  const row = Math.min(HEAT_ROWS - 1, Math.floor((90 - pitch) / HEAT_CELL_DEGREES));
  return row * HEAT_COLUMNS + column;
}
