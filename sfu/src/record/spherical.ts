// What makes a recorded file a 360 (or 180) video to the players that read it: the file name's tag, the
// Matroska track's projection and stereo mode (set by mkvpropedit once the file is complete), from which
// ffmpeg writes the MP4 copy's Spherical Video V2 boxes (sv3d, st3d).
import type { StreamInfo } from '../protocol/index.js';

export interface SphericalMetadata {
  /** The usual file-name tag: `_360`, `_360_TB`, `_360_LR`, `_180`, `_180_LR`. */
  tag: string;
  /** mkvpropedit `--set` arguments for the video track. */
  trackProperties: string[];
}

/** Matroska StereoMode: 1 side by side, left eye first; 11 right first; 3 top-bottom, left first; 2 right. */
const stereoMode = (layout: 'tb' | 'sbs', swapEyes: boolean): number =>
  layout === 'tb' ? (swapEyes ? 2 : 3) : swapEyes ? 11 : 1;

/**
 * Equirectangular projection (ProjectionType 1). A 180° picture is the middle half of a full
 * equirectangular one: its ProjectionPrivate crops a quarter off each side (version/flags, then the
 * top, bottom, left and right bounds as 0.32 fixed point).
 */
function equirectangular(halfSphere: boolean): string[] {
  const props = ['projection-type=1'];
  if (halfSphere)
    props.push(`projection-private=${['00000000', '00000000', '00000000', '40000000', '40000000'].join('')}`);
  return props;
}

export function sphericalMetadata(stream: StreamInfo): SphericalMetadata {
  switch (stream.projection) {
    case 'mono-360':
      return { tag: '_360', trackProperties: [...equirectangular(false), 'stereo-mode=0'] };
    case 'stereo-360-tb':
      return {
        tag: '_360_TB',
        trackProperties: [...equirectangular(false), `stereo-mode=${stereoMode('tb', stream.swapEyes)}`],
      };
    case 'stereo-360-sbs':
      return {
        tag: '_360_LR',
        trackProperties: [...equirectangular(false), `stereo-mode=${stereoMode('sbs', stream.swapEyes)}`],
      };
    case 'stereo-180-sbs':
      return {
        tag: '_180_LR',
        trackProperties: [...equirectangular(true), `stereo-mode=${stereoMode('sbs', stream.swapEyes)}`],
      };
    case 'mono-180':
      return { tag: '_180', trackProperties: [...equirectangular(true), 'stereo-mode=0'] };
  }
}
