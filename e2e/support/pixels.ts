// What a screenshot of the viewer canvas shows: is there a picture, and did it change?
import { PNG } from 'pngjs';

export interface Picture {
  width: number;
  height: number;
  luma: Float32Array;
}

export function decodePicture(png: Buffer): Picture {
  const image = PNG.sync.read(png);
  const luma = new Float32Array(image.width * image.height);
  for (let i = 0; i < luma.length; i++) {
    const o = i * 4;
    luma[i] = 0.2126 * image.data[o]! + 0.7152 * image.data[o + 1]! + 0.0722 * image.data[o + 2]!;
  }
  return { width: image.width, height: image.height, luma };
}

/** Standard deviation of brightness: ~0 for a blank or single-colour canvas. */
export function contrast(p: Picture): number {
  let sum = 0;
  for (const v of p.luma) sum += v;
  const mean = sum / p.luma.length;
  let sq = 0;
  for (const v of p.luma) sq += (v - mean) ** 2;
  return Math.sqrt(sq / p.luma.length);
}

/** Fraction of pixels whose brightness differs by more than `threshold` between two pictures. */
export function changedFraction(a: Picture, b: Picture, threshold = 12): number {
  if (a.luma.length !== b.luma.length) return 1;
  let changed = 0;
  for (let i = 0; i < a.luma.length; i++) if (Math.abs(a.luma[i]! - b.luma[i]!) > threshold) changed++;
  return changed / a.luma.length;
}
