// Draws the app icons (PNG) for the web manifest: the favicon's design, rasterised without image tools.
// Run: node web/scripts/make-icons.mjs (writes web/public/icons/*.png; they are committed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public/icons');
fs.mkdirSync(out, { recursive: true });

function icon(size, maskable) {
  const png = new PNG({ width: size, height: size });
  const c = size / 2;
  // Maskable icons keep their content inside the central 80% "safe zone".
  const r = (maskable ? 0.38 : 0.46) * size;
  const ring = 0.06 * size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - c;
      const dy = y + 0.5 - c;
      const d = Math.hypot(dx, dy);
      const ellipse = Math.abs(Math.hypot(dx / r, dy / (r * 0.36)) - 1) * r < ring * 0.4;
      let rgb = maskable ? [16, 20, 24] : null;
      if (d < r) rgb = [16, 20, 24];
      if (Math.abs(d - r) < ring / 2 || (d < r && ellipse)) rgb = [124, 196, 255];
      if (d < 0.09 * size) rgb = [229, 57, 53];
      const o = (y * size + x) * 4;
      png.data[o] = rgb?.[0] ?? 0;
      png.data[o + 1] = rgb?.[1] ?? 0;
      png.data[o + 2] = rgb?.[2] ?? 0;
      png.data[o + 3] = rgb ? 255 : 0;
    }
  }
  return PNG.sync.write(png);
}

for (const size of [192, 512]) {
  fs.writeFileSync(path.join(out, `icon-${size}.png`), icon(size, false));
  fs.writeFileSync(path.join(out, `maskable-${size}.png`), icon(size, true));
}
console.log(`icons written to ${out}`);
