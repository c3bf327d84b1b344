import { useEffect, useMemo, useRef } from 'react';
import { useFrame } from '@react-three/fiber';
import { useXR } from '@react-three/xr';
import { CanvasTexture, SRGBColorSpace, Vector3, type Mesh } from 'three';

/** Where the mark sits in the wearer's view: a metre ahead, up and to the left (about 14° and 11°). */
const IN_VIEW = new Vector3(-0.25, 0.2, -1);
const SIZE: [number, number] = [0.15, 0.06];

/** A red dot and "REC" on a dark plate, drawn once. */
function recTexture(): CanvasTexture {
  const canvas = document.createElement('canvas');
  canvas.width = 250;
  canvas.height = 100;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = 'rgba(0, 0, 0, 0.7)';
  ctx.beginPath();
  ctx.roundRect(0, 0, 250, 100, 18);
  ctx.fill();
  ctx.fillStyle = '#ff1744';
  ctx.beginPath();
  ctx.arc(50, 50, 26, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#fff';
  ctx.font = 'bold 54px sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText('REC', 92, 52);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  return texture;
}

/**
 * The REC mark inside a headset, where the page's own mark cannot be seen: fixed in the wearer's view (it
 * follows the head), drawn over the picture in both eyes — also over a video on a WebXR media layer, which is
 * composited behind the scene.
 */
export function XRRecMark({ recording }: { recording: boolean }) {
  const session = useXR((s) => s.session);
  const mesh = useRef<Mesh>(null);
  const texture = useMemo(recTexture, []);
  useEffect(() => () => texture.dispose(), [texture]);
  useFrame(({ camera }) => {
    const m = mesh.current;
    if (!m) return;
    m.quaternion.copy(camera.quaternion);
    m.position.copy(IN_VIEW).applyQuaternion(camera.quaternion).add(camera.position);
  });
  if (!session || !recording) return null;
  return (
    <mesh ref={mesh} renderOrder={100} name="rec-mark">
      <planeGeometry args={SIZE} />
      <meshBasicMaterial map={texture} transparent depthTest={false} depthWrite={false} toneMapped={false} />
    </mesh>
  );
}
