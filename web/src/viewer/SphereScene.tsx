import { useEffect, type ReactNode } from 'react';
import { Canvas, useThree } from '@react-three/fiber';
import { XR } from '@react-three/xr';
import type { StreamInfo } from '@inclubit/sfu/protocol';
import { VideoSurface } from './VideoSurface';
import { ContentOrientation } from './ContentOrientation';
import { DEFAULT_FOV, LookControls } from './LookControls';
import { DESKTOP_CAMERA_LAYERS } from './StereoSphere';
import { xrStore } from './xr-store';

function DesktopEyeLayers() {
  const camera = useThree((s) => s.camera);
  useEffect(() => {
    for (const layer of DESKTOP_CAMERA_LAYERS) camera.layers.enable(layer);
  }, [camera]);
  return null;
}

/**
 * The 360 picture around the viewer — desktop drag, phone orientation, a WebXR headset (sphere or media
 * layer), recentering — for a live room and a replay alike. `children` are what the page adds in the scene, `content` what it adds in the picture's own frame.
 */
export function SphereScene({
  video,
  stream,
  deviceOrientation,
  content,
  children,
}: {
  /** The playing video, or null while there is no picture to show. */
  video: HTMLVideoElement | null;
  stream: StreamInfo;
  deviceOrientation: boolean;
  /** What the page adds in the picture's own frame (turned with it by a recenter). */
  content?: ReactNode;
  children?: ReactNode;
}) {
  // Drawn on demand outside a headset: once per video frame and per look change, not per display refresh
  // (half the work for a 30 fps stream on a 60 Hz screen, none while the picture is still). A headset
  // session draws every frame it asks for.
  return (
    <Canvas
      className="viewer-canvas"
      frameloop="demand"
      camera={{ fov: DEFAULT_FOV, near: 0.1, far: 1100, position: [0, 0, 0] }}
      flat
    >
      <XR store={xrStore}>
        <DesktopEyeLayers />
        <ContentOrientation>
          {video && <VideoSurface video={video} stream={stream} />}
          {content}
        </ContentOrientation>
        <LookControls deviceOrientation={deviceOrientation} />
        {children}
      </XR>
    </Canvas>
  );
}
