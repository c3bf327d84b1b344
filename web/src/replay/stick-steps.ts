// A controller's thumbstick as seek steps: pushing it past PUSH to one side is one step that way; held
// there, it steps again every REPEAT_MS (scrubbing); it must come back inside RELEASE before a push the
// other way counts, so a stick that wobbles at the edge does not step twice.

export const PUSH = 0.7;
export const RELEASE = 0.3;
export const REPEAT_MS = 500;

export interface StickState {
  /** The side being held (-1 left, 1 right), 0 when centred. */
  held: -1 | 0 | 1;
  /** When the last step was taken. */
  lastStepAt: number;
}

export const centred: StickState = { held: 0, lastStepAt: 0 };

/** The step (-1, 0 or 1) the stick's x now makes, and the state to keep for the next frame. */
export function stickStep(
  state: StickState,
  x: number,
  now: number,
): { step: -1 | 0 | 1; state: StickState } {
  if (state.held !== 0) {
    if (Math.abs(x) < RELEASE || Math.sign(x) !== state.held) return { step: 0, state: centred };
    if (now - state.lastStepAt < REPEAT_MS) return { step: 0, state };
    return { step: state.held, state: { held: state.held, lastStepAt: now } };
  }
  if (Math.abs(x) < PUSH) return { step: 0, state };
  const side = x > 0 ? 1 : -1;
  return { step: side, state: { held: side, lastStepAt: now } };
}
