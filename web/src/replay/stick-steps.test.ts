import { describe, expect, it } from 'vitest';
import { REPEAT_MS, centred, stickStep, type StickState } from './stick-steps';

/** Feeds x positions at times; returns the steps taken. */
function run(samples: [x: number, at: number][]): number[] {
  let state: StickState = centred;
  const steps: number[] = [];
  for (const [x, at] of samples) {
    const r = stickStep(state, x, at);
    state = r.state;
    if (r.step !== 0) steps.push(r.step);
  }
  return steps;
}

describe('stickStep', () => {
  it('one push right is one step forward, one push left one step back', () => {
    expect(
      run([
        [0, 0],
        [0.9, 10],
        [0.95, 20],
        [0, 30],
      ]),
    ).toEqual([1]);
    expect(
      run([
        [0, 0],
        [-0.8, 10],
        [0, 20],
      ]),
    ).toEqual([-1]);
  });

  it('a small tilt steps nowhere', () => {
    expect(
      run([
        [0.5, 0],
        [0.69, 10],
        [-0.6, 20],
      ]),
    ).toEqual([]);
  });

  it('held at the side, it repeats every REPEAT_MS', () => {
    const held: [number, number][] = [];
    for (let t = 0; t <= 2 * REPEAT_MS + 50; t += 50) held.push([1, t]);
    expect(run(held)).toEqual([1, 1, 1]);
  });

  it('wobbling at the edge does not step twice; coming back inside RELEASE re-arms', () => {
    expect(
      run([
        [0.9, 0],
        [0.6, 10],
        [0.9, 20],
        [0.1, 30],
        [0.9, 40],
      ]),
    ).toEqual([1, 1]);
  });

  it('flicking from one side straight to the other steps each way', () => {
    expect(
      run([
        [0.9, 0],
        [-0.9, 10],
        [-0.9, 20],
      ]),
    ).toEqual([1, -1]);
  });
});
