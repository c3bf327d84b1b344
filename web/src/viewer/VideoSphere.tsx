import { useEffect, useMemo } from 'react';
import { SRGBColorSpace, SphereGeometry, VideoTexture } from 'three';

/**
 * The live equirectangular video on the inside of a sphere around the viewer.
 * The geometry (not the object, whose negative scale three.js would undo by flipping the winding) is
 * mirrored on x so its faces point inward and the picture reads correctly from inside; the mesh is turned so
 * the frame's centre (the camera's front) lies straight ahead (-z) with east to the right.
 */
export function VideoSphere({ video }: { video: HTMLVideoElement }) {
  // three's VideoTexture uploads only when the video has a new frame (requestVideoFrameCallback).
  const texture = useMemo(() => {
    const t = new VideoTexture(video);
    t.colorSpace = SRGBColorSpace;
    return t;
  }, [video]);
  useEffect(() => () => texture.dispose(), [texture]);
  const geometry = useMemo(() => new SphereGeometry(500, 96, 48).scale(-1, 1, 1), []);
  useEffect(() => () => geometry.dispose(), [geometry]);

  return (
    <mesh geometry={geometry} rotation={[0, -Math.PI / 2, 0]}>
      <meshBasicMaterial map={texture} toneMapped={false} />
    </mesh>
  );
}
