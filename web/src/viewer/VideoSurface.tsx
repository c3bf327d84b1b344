import { useEffect } from 'react';
import { XRLayer, useXR, useXRSessionFeatureEnabled } from '@react-three/xr';
import type { StreamInfo } from '@inclubit/sfu/protocol';
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
  return (
    <XRLayer
      src={video}
      shape="equirect"
      layout={stereoLayout(stream.projection)}
      invertStereo={stream.swapEyes}
      centralHorizontalAngle={span}
      upperVerticalAngle={Math.PI / 2}
      lowerVerticalAngle={-Math.PI / 2}
    />
  );
}
