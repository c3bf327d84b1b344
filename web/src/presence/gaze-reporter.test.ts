import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Gaze } from '@inclubit/sfu/protocol';
import { GazeReporter, startGazeReports } from './gaze-reporter';

/** A reporter on a clock of its own: `later(ms)` moves it on. */
function reporter(initial: Gaze | undefined) {
  let view = initial;
  let clock = 0;
  const sent: (Gaze | null)[] = [];
  const r = new GazeReporter(
    () => view,
    (g) => sent.push(g),
    200,
    () => clock,
  );
  return { r, sent, look: (g: Gaze | undefined) => (view = g), later: (ms: number) => (clock += ms) };
}

const ahead: Gaze = { yaw: 0, pitch: 0, hfov: 100, vfov: 70 };

describe('GazeReporter', () => {
  it('reports a view once, then only when it moved', () => {
    const { r, sent, look, later } = reporter(ahead);
    r.tick();
    later(300);
    r.tick();
    expect(sent).toEqual([ahead]);
    look({ ...ahead, yaw: 0.2 }); // less than a dot's pixel
    r.tick();
    expect(sent).toHaveLength(1);
    look({ ...ahead, yaw: 30 });
    r.tick();
    later(300);
    look({ ...ahead, yaw: 30, hfov: 60 }); // zoomed
    r.tick();
    expect(sent.map((g) => g && [g.yaw, g.hfov])).toEqual([
      [0, 100],
      [30, 100],
      [30, 60],
    ]);
  });

  it('reports a turn at once after a quiet spell, then at most every 200 ms', () => {
    const { r, sent, look, later } = reporter(ahead);
    r.tick();
    later(1000);
    for (let ms = 0; ms < 500; ms += 50) {
      look({ ...ahead, yaw: ms / 10 + 5 });
      r.tick();
      later(50);
    }
    // At 0 ms (at once), 200 and 400.
    expect(sent.map((g) => g?.yaw)).toEqual([0, 5, 25, 45]);
  });

  it('says nothing without a view', () => {
    const { r, sent } = reporter(undefined);
    r.tick();
    expect(sent).toEqual([]);
  });

  it('stops sharing with one null, and resumes with the view', () => {
    const { r, sent } = reporter(ahead);
    r.tick();
    r.setSharing(false);
    r.tick();
    r.tick();
    expect(sent).toEqual([ahead, null]);
    r.setSharing(true);
    expect(sent).toEqual([ahead, null, ahead]);
  });

  it('keeps its own copy of what it sent: a view updated in place still counts as moved', () => {
    const live: Gaze = { ...ahead };
    const { r, sent, later } = reporter(live);
    r.tick();
    later(300);
    live.yaw = 30; // the probe writes the same object every frame
    r.tick();
    expect(sent.map((g) => g?.yaw)).toEqual([0, 30]);
  });

  it('tells a new server-side peer where it looks without waiting for a move', () => {
    const { r, sent } = reporter(ahead);
    r.tick();
    r.rejoined();
    r.tick();
    expect(sent).toEqual([ahead, ahead]);
  });
});

describe('startGazeReports', () => {
  afterEach(() => vi.useRealTimers());

  it('reports a turn in the frame that shows it, not at the next sampling tick', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const live: Gaze = { ...ahead };
    const sent: (Gaze | null)[] = [];
    let frame: (() => void) | undefined;
    const { stop } = startGazeReports(
      () => live,
      (g) => sent.push(g),
      { now: () => true, subscribe: () => () => {} },
      (listener) => {
        frame = listener;
        return () => (frame = undefined);
      },
    );
    expect(sent).toEqual([ahead]); // sharing starts with where it looks
    vi.advanceTimersByTime(1000); // a quiet spell: the sampling ticks see no move
    live.yaw = -90; // the probe reads a turn in a frame…
    frame!();
    expect(sent.map((g) => g?.yaw)).toEqual([0, -90]); // …and it goes out in that frame
    stop();
    expect(frame).toBeUndefined();
  });
});
