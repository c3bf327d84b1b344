// The viewer's own settings and requests, shared by the page's controls and the 3D scene.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { Quality, type Layers, type Projection } from '@inclubit/sfu/protocol';

export type Renderer = 'sphere' | 'media-layer';

export interface ViewState {
  /** The viewer's choice, overriding what the camera announced (for a mislabelled stream). */
  projectionOverride: Projection | undefined;
  /** Bumped by every Recenter request; the scene turns so the camera's front is where the viewer looks. */
  recenterRequests: number;
  showStats: boolean;
  volume: number;
  muted: boolean;
  /** What is drawing the video right now (reported by the scene). */
  renderer: Renderer;
  /** The picture asked for from a camera that sends layers (remembered). */
  quality: Quality;
  /** The layer of the camera's video received now, when the camera sends layers. */
  layers: Layers | undefined;
}

const QUALITY_KEY = 'inclubit.quality';
const rememberedQuality = (): Quality => Quality.catch('auto').parse(localStorage.getItem(QUALITY_KEY));

export function chooseQuality(quality: Quality): void {
  localStorage.setItem(QUALITY_KEY, quality);
  viewStore.setState({ quality });
}

export const viewStore = createStore<ViewState>(() => ({
  projectionOverride: undefined,
  recenterRequests: 0,
  showStats: false,
  volume: 1,
  muted: false,
  renderer: 'sphere',
  quality: rememberedQuality(),
  layers: undefined,
}));

export const recenter = () => viewStore.setState((s) => ({ recenterRequests: s.recenterRequests + 1 }));

export function useView<T>(selector: (s: ViewState) => T): T {
  return useStore(viewStore, selector);
}
