// The viewer page's side of presence: whether it shares where it looks (remembered; on unless the pupil
// turned it off), where it looks now (written by the scene's probe every frame it draws), and the teacher's
// current "look here" cue.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { CUE_SEEN_DEGREES, type EventData, type Gaze } from '@inclubit/sfu/protocol';
import { angleBetween } from './gaze-math';

const SHARE_KEY = 'inclubit.shareGaze';

export interface ActiveCue extends EventData<'lookHere'> {
  /** performance.now() when it arrived, and when the viewer looked at it. */
  receivedAt: number;
  seenAt?: number;
}

export interface ViewerPresence {
  sharing: boolean;
  cue: ActiveCue | undefined;
}

export const viewerPresence = createStore<ViewerPresence>(() => ({
  sharing: localStorage.getItem(SHARE_KEY) !== 'off',
  cue: undefined,
}));

export function useViewerPresence<T>(selector: (s: ViewerPresence) => T): T {
  return useStore(viewerPresence, selector);
}

export function setSharing(on: boolean): void {
  localStorage.setItem(SHARE_KEY, on ? 'on' : 'off');
  viewerPresence.setState({ sharing: on });
}

export function receiveCue(cue: EventData<'lookHere'>): void {
  viewerPresence.setState({ cue: { ...cue, receivedAt: performance.now() } });
}

/** Where the page looks, updated in place by the probe (read, and copied, by the reporter). */
export const gazeNow: { gaze: Gaze | undefined } = { gaze: undefined };

const gazeFrameListeners = new Set<() => void>();

/** Calls `listener` after each frame the probe reads `gazeNow` in; returns the function that stops it. */
export function onGazeFrame(listener: () => void): () => void {
  gazeFrameListeners.add(listener);
  return () => gazeFrameListeners.delete(listener);
}

/** The probe read this frame's view into `gazeNow`. */
export function gazeFrame(): void {
  for (const listener of gazeFrameListeners) listener();
}

/** How long a looked-at cue takes to fade, ms. */
export const CUE_FADE_MS = 600;

/**
 * The cue's opacity now (0: gone), and whether the viewer has just looked at it (the caller tells the server
 * once). Fades in its last second, or once looked at.
 */
export function cueState(
  cue: ActiveCue,
  gaze: Gaze | undefined,
  now: number,
): { opacity: number; seenNow: boolean } {
  let seenNow = false;
  if (cue.seenAt === undefined && gaze && angleBetween(gaze, cue) <= CUE_SEEN_DEGREES) {
    cue.seenAt = now;
    seenNow = true;
  }
  const left = cue.receivedAt + cue.durationMs - now;
  const fadeOut = cue.seenAt === undefined ? 1 : 1 - (now - cue.seenAt) / CUE_FADE_MS;
  const opacity = Math.max(0, Math.min(1, left / 1000, fadeOut));
  return { opacity, seenNow };
}
