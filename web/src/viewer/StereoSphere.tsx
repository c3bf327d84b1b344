import { useEffect, useMemo } from 'react';
import { useThree } from '@react-three/fiber';
import { SRGBColorSpace, VideoTexture } from 'three';
import type { StreamInfo } from '@inclubit/sfu/protocol';
import { createEyeGeometry } from './eye-geometry';
import { isStereo } from './projection';

// three.js draws layer 1 only for the left eye and layer 2 only for the right one in a WebXR session.
const LEFT_EYE_LAYER = 1;
const RIGHT_EYE_LAYER = 2;

/**
 * The live video on the inside of a sphere (or half-sphere for 180° formats). Stereo streams get one mesh per
 * eye, each mapped to its own half of the frame; outside a headset the left eye's picture is shown.
 */
export function StereoSphere({ video, stream }: { video: HTMLVideoElement; stream: StreamInfo }) {
  // three.js uploads a VideoTexture only when the video presents a new frame (requestVideoFrameCallback).
  const texture = useMemo(() => {
    const t = new VideoTexture(video);
    t.colorSpace = SRGBColorSpace;
    return t;
  }, [video]);
  useEffect(() => () => texture.dispose(), [texture]);
  useDrawOnVideoFrames(video, texture);

  const stereo = isStereo(stream.projection);
  const [left, right] = useMemo(
    () => [
      createEyeGeometry(stream.projection, 'left', stream.swapEyes),
      createEyeGeometry(stream.projection, 'right', stream.swapEyes),
    ],
    [stream.projection, stream.swapEyes],
  );
  useEffect(
    () => () => {
      left.dispose();
      right.dispose();
    },
    [left, right],
  );

  if (!stereo) {
    return (
      <mesh geometry={left}>
        <meshBasicMaterial map={texture} toneMapped={false} />
      </mesh>
    );
  }
  return (
    <>
      <mesh geometry={left} layers={LEFT_EYE_LAYER}>
        <meshBasicMaterial map={texture} toneMapped={false} />
      </mesh>
      <mesh geometry={right} layers={RIGHT_EYE_LAYER}>
        <meshBasicMaterial map={texture} toneMapped={false} />
      </mesh>
    </>
  );
}

/**
 * The page draws on demand: each frame the video presents asks for one draw (which uploads it). A paused
 * video (a replay) presents no new frames: the frame it already shows is uploaded now, and again after a
 * seek or a new file.
 */
function useDrawOnVideoFrames(video: HTMLVideoElement, texture: VideoTexture) {
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    let handle = 0;
    const presented = () => {
      invalidate();
      handle = video.requestVideoFrameCallback(presented);
    };
    handle = video.requestVideoFrameCallback(presented);
    const still = () => {
      texture.needsUpdate = true;
      invalidate();
    };
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) still();
    video.addEventListener('seeked', still);
    video.addEventListener('loadeddata', still);
    return () => {
      video.cancelVideoFrameCallback(handle);
      video.removeEventListener('seeked', still);
      video.removeEventListener('loadeddata', still);
    };
  }, [video, texture, invalidate]);
}

/** Lets the non-XR camera see the left-eye mesh; three.js keeps layer 1 away from the right eye in XR. */
export const DESKTOP_CAMERA_LAYERS = [0, LEFT_EYE_LAYER];
