// The WebXR session store for the viewer (one per page, as @react-three/xr intends).
import { createXRStore } from '@react-three/xr';

export const xrStore = createXRStore({
  // Controller and hand models are fetched from a CDN; a classroom network may not reach it, and a 360
  // picture needs no pointers. Buttons are read straight from the gamepads (ContentOrientation for recenter, XRPushToTalk for talk).
  controller: false,
  hand: false,
  // Development only: on localhost without a headset, emulate a Quest 3 (IWER) with no synthetic room.
  emulate: import.meta.env.DEV ? { type: 'metaQuest3', syntheticEnvironment: false } : false,
  // Media layers (compositor-sampled video) where the browser has them; the sphere otherwise.
  layers: true,
});
