import type { Projection } from '@inclubit/sfu/protocol';

/** How the viewer and the dashboard name a stream's layout. */
export const projectionLabels: Record<Projection, string> = {
  'mono-360': '360° mono',
  'stereo-360-tb': '360° stereo top-bottom',
  'stereo-360-sbs': '360° stereo side-by-side',
  'stereo-180-sbs': '180° stereo (VR180)',
  'mono-180': '180° mono',
};
