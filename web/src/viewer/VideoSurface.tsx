import { useEffect } from 'react';
import { XRLayer, useXR, useXRSessionFeatureEnabled } from '@react-three/xr';
import type { StreamInfo } from '@inclubit/sfu/protocol';
import { SPHERE_RADIUS } from './eye-geometry';
import { StereoSphere } from './StereoSphere';
import { horizontalSpan, stereoLayout } from './projection';
import { viewStore } from './view-store';

/**
 * Draws the live video: as a WebXR equirect media layer where the session offers one (the compositor samples
 * the video directly: no resampling through a texture, the sharpest picture a headset can show), otherwise on
 * a sphere in the scene.
 */
export function VideoSurface({ video, stream }: { video: HTMLVideoElement; stream: StreamInfo }) {
  const layersEnabled = useXRSessionFeatureEnabled('layers');
  const mediaBinding = useXR((s) => s.mediaBinding);
  const mediaLayer = layersEnabled && mediaBinding != null;

  useEffect(() => {
    viewStore.setState({ renderer: mediaLayer ? 'media-layer' : 'sphere' });
  }, [mediaLayer]);

  if (!mediaLayer) return <StereoSphere video={video} stream={stream} />;
  const span = horizontalSpan(stream.projection);
  // An equirect layer's radius is its object's scale, and its centre the scene's origin (on the floor, in a
  // local-floor session): at scale 1 the head would be outside a 1 m ball. The size of the sphere path's.
  return (
    <XRLayer
      src={video}
      scale={SPHERE_RADIUS}
      shape="equirect"
      layout={stereoLayout(stream.projection)}
      invertStereo={stream.swapEyes}
      centralHorizontalAngle={span}
      upperVerticalAngle={Math.PI / 2}
      lowerVerticalAngle={-Math.PI / 2}
    />
  );
}
