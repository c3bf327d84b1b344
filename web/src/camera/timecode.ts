// A time code in the test pattern's pixels: a strip of black and white cells along the bottom edge (the
// nadir, where a real 360 camera's tripod is) carrying the wall-clock time the frame was drawn. A page that
// decodes the stream reads it back from the decoded frame, so the delay from "drawn" to "decoded" — glass to
// glass — is measured from pixels, with no clock but the machine's own.

/** 32 bits of the time in ms (Date.now() mod 2^32), then an 8-bit check. */
export const TIMECODE_CELLS = 40;
/** The strip's height as a fraction of the frame's. */
export const TIMECODE_HEIGHT = 1 / 24;

/** The strip's cells, left to right: true is white. */
export function timecodeCells(ms: number): boolean[] {
  const code = ms >>> 0;
  const bytes = [code >>> 24, (code >>> 16) & 0xff, (code >>> 8) & 0xff, code & 0xff];
  // The check rejects half-updated or blurred reads; its constant makes an all-black strip invalid.
  const check = ((bytes[0]! + bytes[1]! + bytes[2]! + bytes[3]!) & 0xff) ^ 0xa5;
  const cells: boolean[] = [];
  for (let i = 31; i >= 0; i--) cells.push(((code >>> i) & 1) === 1);
  for (let i = 7; i >= 0; i--) cells.push(((check >> i) & 1) === 1);
  return cells;
}

export function drawTimecode(ctx: CanvasRenderingContext2D, width: number, height: number, ms: number): void {
  const cellW = width / TIMECODE_CELLS;
  const top = Math.round(height * (1 - TIMECODE_HEIGHT));
  timecodeCells(ms).forEach((white, i) => {
    ctx.fillStyle = white ? '#fff' : '#000';
    ctx.fillRect(Math.round(i * cellW), top, Math.ceil(cellW), height - top);
  });
}

/**
 * Reads the time code from a frame's RGBA pixels (any scale); undefined when the check fails. Written
 * without inner functions or outer names so a test can hand its source to a page as it is.
 */
export function readTimecode(rgba: ArrayLike<number>, width: number, height: number): number | undefined {
  const cells = 40;
  const y = Math.min(height - 1, Math.floor(height * (1 - 1 / 48)));
  let code = 0;
  let check = 0;
  for (let i = 0; i < cells; i++) {
    const x = Math.floor(((i + 0.5) * width) / cells);
    const p = (y * width + x) * 4;
    const luma = 0.299 * rgba[p]! + 0.587 * rgba[p + 1]! + 0.114 * rgba[p + 2]!;
    const bit = luma > 128 ? 1 : 0;
    if (i < 32) code = ((code << 1) | bit) >>> 0;
    else check = (check << 1) | bit;
  }
  const sum = ((code >>> 24) + ((code >>> 16) & 0xff) + ((code >>> 8) & 0xff) + (code & 0xff)) & 0xff;
  return (sum ^ 0xa5) === check ? code : undefined;
}

/** Milliseconds from a time code to `nowMs` (both wrap every 49.7 days). */
export const timecodeAge = (code: number, nowMs: number): number => ((nowMs >>> 0) - code) >>> 0;
