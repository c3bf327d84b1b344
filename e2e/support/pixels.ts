// What a screenshot of the viewer canvas shows: is there a picture, and did it change?
import { PNG } from 'pngjs';

export interface Picture {
  width: number;
  height: number;
  /** RGBA, row by row. */
  rgba: Uint8Array;
  luma: Float32Array;
}

export function decodePicture(png: Buffer): Picture {
  const image = PNG.sync.read(png);
  const luma = new Float32Array(image.width * image.height);
  for (let i = 0; i < luma.length; i++) {
    const o = i * 4;
    luma[i] = 0.2126 * image.data[o]! + 0.7152 * image.data[o + 1]! + 0.0722 * image.data[o + 2]!;
  }
  return { width: image.width, height: image.height, rgba: image.data, luma };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const leftHalf = (p: Picture): Rect => ({
  x: 0,
  y: 0,
  width: Math.floor(p.width / 2),
  height: p.height,
});
export const rightHalf = (p: Picture): Rect => ({
  x: Math.ceil(p.width / 2),
  y: 0,
  width: Math.floor(p.width / 2),
  height: p.height,
});

/** Mean red minus mean blue over a region: > 0 for the red-tinted (left-eye) picture, < 0 for the blue one. */
export function redMinusBlue(p: Picture, r: Rect): number {
  let sum = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const o = (y * p.width + x) * 4;
      sum += p.rgba[o]! - p.rgba[o + 2]!;
    }
  }
  return sum / (r.width * r.height);
}

export type MarkerColour = 'magenta' | 'blue' | 'green' | 'red' | 'cyan' | 'lime';
const isMarker: Record<MarkerColour, (r: number, g: number, b: number) => boolean> = {
  magenta: (r, g, b) => r > 170 && b > 170 && g < 100,
  blue: (r, g, b) => b > 170 && r < 90 && g < 90,
  green: (r, g, b) => g > 170 && r < 100 && b < 100,
  /** The REC mark's dot (#ff1744). */
  red: (r, g, b) => r > 200 && g < 80 && b < 120,
  /** A viewer's dot on the camera page's presence overlay (#00e5ff). */
  cyan: (r, g, b) => r < 80 && g > 180 && b > 200,
  /** The "look here" cue in the viewer (#76ff03); the test pattern's green marker has no red. */
  lime: (r, g, b) => r > 80 && r < 170 && g > 200 && b < 60,
};

/** Centre of the pixels of one test-pattern marker colour inside `r` (relative to r), or undefined. */
export function markerCentre(
  p: Picture,
  colour: MarkerColour,
  r: Rect = { x: 0, y: 0, width: p.width, height: p.height },
) {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const o = (y * p.width + x) * 4;
      if (isMarker[colour](p.rgba[o]!, p.rgba[o + 1]!, p.rgba[o + 2]!)) {
        n++;
        sx += x - r.x;
        sy += y - r.y;
      }
    }
  }
  return n < 20 ? undefined : { x: sx / n, y: sy / n, pixels: n };
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
