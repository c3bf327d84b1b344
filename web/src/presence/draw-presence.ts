// Draws the class's presence over a picture of the camera's frame: the last minute's heat map, each sharing
// viewer's field of view and a labelled dot where it looks, and the current "look here" cue. Plain canvas,
// redrawn only when something changed (a few times a second at most), so 200 viewers cost the page little.
import type { PeerId, StreamInfo } from '@inclubit/sfu/protocol';
import { frameLines, framePoints, viewOutline } from './gaze-math';
import { HEAT_CELL_DEGREES, HEAT_COLUMNS, HEAT_ROWS } from './heat-map';
import type { RoomGazes } from './room-gazes';
import { CUE_COLOUR, DOT_COLOUR } from './colours';

export interface DrawOptions {
  stream: StreamInfo;
  names: ReadonlyMap<PeerId, string>;
  heat: boolean;
  /** Small (the dashboard): no labels, thinner lines. */
  small: boolean;
}

export function drawPresence(canvas: HTMLCanvasElement, gazes: RoomGazes, opts: DrawOptions): void {
  // Not in the page at all while it has nothing to draw: even a hidden canvas over the video is a layer the
  // compositor handles with every video frame.
  const cueShown = gazes.cue !== undefined && Date.now() < gazes.cue.endsAt;
  const drawn = gazes.gazes.size > 0 || cueShown || (opts.heat && gazes.heat.max() > 0);
  canvas.style.display = drawn ? '' : 'none';
  if (!drawn) return;
  const ratio = devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  const { projection, swapEyes } = opts.stream;
  const at = (d: { yaw: number; pitch: number }) =>
    framePoints(d, projection, swapEyes).map((p) => ({ x: p.x * width, y: p.y * height }));

  if (opts.heat) drawHeat(ctx, gazes, opts.stream, width, height);

  // Fields of view first, dots and names over them.
  ctx.lineWidth = (opts.small ? 1 : 1.5) * ratio;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.55)';
  for (const gaze of gazes.gazes.values()) {
    for (const line of frameLines(viewOutline(gaze, 6), projection, swapEyes)) {
      ctx.beginPath();
      line.forEach((p, i) =>
        i ? ctx.lineTo(p.x * width, p.y * height) : ctx.moveTo(p.x * width, p.y * height),
      );
      ctx.stroke();
    }
  }
  const radius = (opts.small ? 3 : 6) * ratio;
  ctx.font = `${12 * ratio}px sans-serif`;
  ctx.textBaseline = 'middle';
  for (const [peerId, gaze] of gazes.gazes) {
    for (const p of at(gaze)) {
      ctx.fillStyle = DOT_COLOUR;
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius, 0, Math.PI * 2);
      ctx.fill();
      if (opts.small) continue;
      const name = gazes.nameOf(peerId, opts.names) ?? 'Viewer';
      ctx.fillStyle = 'rgba(0, 0, 0, 0.6)';
      const w = labelWidth(ctx, name, ratio);
      ctx.fillRect(p.x + radius + 3 * ratio, p.y - 8 * ratio, w + 6 * ratio, 16 * ratio);
      ctx.fillStyle = '#fff';
      ctx.fillText(name, p.x + radius + 6 * ratio, p.y);
    }
  }

  const cue = gazes.cue;
  if (cue && cueShown) {
    ctx.strokeStyle = CUE_COLOUR;
    ctx.lineWidth = 3 * ratio;
    for (const p of at(cue)) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius * 2.2, 0, Math.PI * 2);
      ctx.stroke();
    }
  }
}

/** Label widths by name and pixel ratio: measuring text is the dearest part of a redraw of a full class. */
const widths = new Map<string, number>();
function labelWidth(ctx: CanvasRenderingContext2D, name: string, ratio: number): number {
  const key = `${ratio} ${name}`;
  let w = widths.get(key);
  if (w === undefined) {
    if (widths.size > 2000) widths.clear();
    widths.set(key, (w = ctx.measureText(name).width));
  }
  return w;
}

function drawHeat(
  ctx: CanvasRenderingContext2D,
  gazes: RoomGazes,
  stream: StreamInfo,
  width: number,
  height: number,
): void {
  const max = gazes.heat.max();
  if (max === 0) return;
  const counts = gazes.heat.counts;
  for (let row = 0; row < HEAT_ROWS; row++) {
    for (let column = 0; column < HEAT_COLUMNS; column++) {
      const n = counts[row * HEAT_COLUMNS + column]!;
      if (n === 0) continue;
      // The cell's top-left and bottom-right corners on the frame (each eye part).
      const yaw = -180 + column * HEAT_CELL_DEGREES;
      const pitch = 90 - row * HEAT_CELL_DEGREES;
      const a = framePoints({ yaw, pitch }, stream.projection, stream.swapEyes);
      const b = framePoints(
        { yaw: yaw + HEAT_CELL_DEGREES, pitch: pitch - HEAT_CELL_DEGREES },
        stream.projection,
        stream.swapEyes,
      );
      const share = n / max;
      ctx.fillStyle = `rgba(255, ${Math.round(200 * (1 - share))}, 0, ${0.15 + 0.45 * share})`;
      for (let i = 0; i < Math.min(a.length, b.length); i++)
        ctx.fillRect(
          a[i]!.x * width,
          a[i]!.y * height,
          (b[i]!.x - a[i]!.x) * width,
          (b[i]!.y - a[i]!.y) * height,
        );
    }
  }
}
