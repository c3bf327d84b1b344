// A synthetic 360 camera: an equirectangular grid with compass labels, coloured markers and a running clock,
// drawn on a canvas and captured as a video track. Lets anyone try the system (and the tests run) without a
// 360 camera. Longitude 0 (the camera's front, "N") is the centre of each eye's picture; east is to the right.
// Stereo layouts draw one picture per eye, the left eye's tinted red and labelled L, the right's blue and R,
// so a viewer (or a test) can tell which half each eye is shown. A time code strip along the bottom (the
// nadir) carries the time each frame was drawn, for measuring glass-to-glass delay from decoded pixels.
import type { Projection } from '@inclubit/sfu/protocol';
import { drawTimecode } from './timecode';

export interface TestPattern {
  track: MediaStreamTrack;
  stop(): void;
}

/** Saturated markers just above the horizon: where each lands on screen tells the view's yaw. */
export const MARKERS: { lon: number; color: string }[] = [
  { lon: 0, color: '#ff00ff' },
  { lon: -45, color: '#0000ff' },
  { lon: 45, color: '#00ff00' },
];

interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
  lonMin: number;
  lonMax: number;
  eye?: 'L' | 'R';
}

/** Where each eye's picture goes in the frame, and which longitudes it covers. */
function regions(projection: Projection, w: number, h: number): Region[] {
  const span = projection.includes('180') ? 90 : 180;
  const lon = { lonMin: -span, lonMax: span };
  switch (projection) {
    case 'mono-360':
    case 'mono-180':
      return [{ x: 0, y: 0, w, h, ...lon }];
    case 'stereo-360-tb':
      return [
        { x: 0, y: 0, w, h: h / 2, ...lon, eye: 'L' },
        { x: 0, y: h / 2, w, h: h / 2, ...lon, eye: 'R' },
      ];
    case 'stereo-360-sbs':
    case 'stereo-180-sbs':
      return [
        { x: 0, y: 0, w: w / 2, h, ...lon, eye: 'L' },
        { x: w / 2, y: 0, w: w / 2, h, ...lon, eye: 'R' },
      ];
  }
}

function drawRegion(ctx: CanvasRenderingContext2D, r: Region): void {
  const x = (lon: number) => r.x + ((lon - r.lonMin) / (r.lonMax - r.lonMin)) * r.w;
  const y = (lat: number) => r.y + ((90 - lat) / 180) * r.h;
  const band = r.w / ((r.lonMax - r.lonMin) / 30);
  // Sky above the horizon, ground below; each 30° of longitude has its own hue so direction is visible.
  for (let lon = r.lonMin; lon < r.lonMax; lon += 30) {
    const hue = (lon + 180) % 360;
    ctx.fillStyle = `hsl(${hue} 55% 62%)`;
    ctx.fillRect(x(lon), r.y, band + 1, r.h / 2);
    ctx.fillStyle = `hsl(${hue} 35% 28%)`;
    ctx.fillRect(x(lon), r.y + r.h / 2, band + 1, r.h / 2);
  }
  if (r.eye) {
    ctx.fillStyle = r.eye === 'L' ? 'rgba(255,0,0,0.35)' : 'rgba(0,0,255,0.35)';
    ctx.fillRect(r.x, r.y, r.w, r.h);
  }
  ctx.strokeStyle = 'rgba(255,255,255,0.7)';
  ctx.lineWidth = Math.max(1, r.w / 1920);
  for (let lon = r.lonMin; lon <= r.lonMax; lon += 15) line(ctx, x(lon), r.y, x(lon), r.y + r.h);
  for (let lat = -75; lat <= 75; lat += 15) line(ctx, r.x, y(lat), r.x + r.w, y(lat));
  ctx.lineWidth = Math.max(2, r.h / 320);
  ctx.strokeStyle = '#fff';
  line(ctx, r.x, y(0), r.x + r.w, y(0));

  for (const m of MARKERS) {
    if (m.lon < r.lonMin || m.lon > r.lonMax) continue;
    const half = (2 / (r.lonMax - r.lonMin)) * r.w;
    ctx.fillStyle = m.color;
    ctx.fillRect(x(m.lon) - half, y(8), 2 * half, y(1) - y(8));
  }

  const labels: [number, string][] = [
    [0, 'N · FRONT'],
    [90, 'E · RIGHT'],
    [-90, 'W · LEFT'],
    [-180, 'S · BACK'],
    [180, 'S · BACK'],
  ];
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#000';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // Sized by the narrower side, so labels 90° apart never overlap in a squeezed side-by-side half.
  ctx.font = `bold ${Math.round(Math.min(r.h / 20, r.w / 36))}px sans-serif`;
  ctx.lineWidth = Math.max(2, r.h / 240);
  for (const [lon, text] of labels) {
    if (lon < r.lonMin || lon > r.lonMax) continue;
    // Labels at the frame's edges are pulled inward so they are not cut in half.
    const at = Math.min(Math.max(x(lon), r.x + r.w / 14), r.x + r.w - r.w / 14);
    const label = r.eye ? `${text} · ${r.eye}` : text;
    ctx.strokeText(label, at, y(16));
    ctx.fillText(label, at, y(16));
  }
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

export function createTestPattern(
  width: number,
  height: number,
  fps = 30,
  projection: Projection = 'mono-360',
  { grain = false }: { grain?: boolean } = {},
): TestPattern {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { alpha: false });
  // The grid is drawn once; each frame only copies it and draws the clock and the moving dot.
  const background = document.createElement('canvas');
  background.width = width;
  background.height = height;
  const bg = background.getContext('2d');
  if (!ctx || !bg) throw new Error('2D canvas is not available');
  const parts = regions(projection, width, height);
  for (const r of parts) drawRegion(bg, r);

  const noise = grain ? createGrain(width, height) : undefined;
  let frame = 0;
  const draw = (): void => {
    ctx.drawImage(background, 0, 0);
    const now = new Date();
    const clock = `${now.toLocaleTimeString('en-GB')}.${String(now.getMilliseconds()).padStart(3, '0')}`;
    for (const r of parts) {
      const cx = r.x + r.w / 2;
      const cy = r.y + r.h * 0.62;
      ctx.font = `bold ${Math.round(r.h / 18)}px monospace`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = '#000';
      ctx.fillRect(cx - r.h / 3.2, cy, r.h / 1.6, r.h / 12);
      ctx.fillStyle = '#ffeb3b';
      ctx.fillText(clock, cx, cy + r.h / 24);
      // A dot travelling along the horizon: motion that any frame comparison sees.
      ctx.fillStyle = '#ff1744';
      ctx.beginPath();
      ctx.arc(r.x + ((frame * 4) % r.w), r.y + r.h / 2, r.h / 60, 0, Math.PI * 2);
      ctx.fill();
    }
    if (noise) noise.draw(ctx);
    drawTimecode(ctx, width, height, Date.now());
    frame++;
  };
  draw();
  const timer = setInterval(draw, 1000 / fps);
  const [track] = canvas.captureStream(fps).getVideoTracks();
  if (!track) throw new Error('canvas capture produced no track');
  track.contentHint = 'detail';
  return {
    track,
    stop: () => {
      clearInterval(timer);
      track.stop();
    },
  };
}

/**
 * Grain: a quarter of the frame's height (the ground, between the clock and the time code) filled with
 * fresh blotchy noise every frame. A real sensor and a busy classroom make an encoder spend all the bitrate
 * it is allowed; the plain pattern needs less than a tenth of it. Network tests use the grain so each layer
 * really carries its bitrate. The blotches scale with the frame (16 px at 1280 wide) and vary by ±24 grey
 * levels: measured on Chromium's H264 at SD, 15 fps, each simulcast layer then fills its bitrate at the full
 * frame rate, where finer or stronger noise makes the encoder drop frames instead.
 */
function createGrain(width: number, height: number) {
  const top = Math.round(height * 0.66);
  const bandHeight = Math.round(height * 0.25);
  const block = Math.max(4, Math.round(width / 80));
  // A few noise tiles drawn once; each frame takes one at a random horizontal offset, wrapping round.
  const tiles = Array.from({ length: 6 }, () => {
    const tile = document.createElement('canvas');
    tile.width = width;
    tile.height = bandHeight;
    const t = tile.getContext('2d');
    if (!t) throw new Error('2D canvas is not available');
    for (let y = 0; y < bandHeight; y += block)
      for (let x = 0; x < width; x += block) {
        const grey = 104 + Math.floor(Math.random() * 48);
        t.fillStyle = `rgb(${grey} ${grey} ${grey})`;
        t.fillRect(x, y, block, block);
      }
    return tile;
  });
  return {
    draw(ctx: CanvasRenderingContext2D): void {
      const tile = tiles[Math.floor(Math.random() * tiles.length)]!;
      const offset = Math.floor(Math.random() * width);
      ctx.drawImage(tile, offset, 0, width - offset, bandHeight, 0, top, width - offset, bandHeight);
      ctx.drawImage(tile, 0, 0, offset, bandHeight, width - offset, top, offset, bandHeight);
    },
  };
}
