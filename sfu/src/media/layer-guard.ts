// Which spatial layers a viewer's bandwidth estimate has earned. mediasoup moves a viewer up a spatial layer
// the moment its estimate covers that layer at its lowest frame rate. On a narrow line that moment is often
// wrong: the estimate jumps for a few hundred ms after a bandwidth probe, and the first thing a new spatial
// layer sends is a keyframe many times its average frame; the line queues it for seconds and the picture
// freezes (measured on a 220 kbit/s line: a switch to the 1280 px layer at 171k froze C for 2.3 s). The guard
// lets mediasoup choose only among layers the estimate has covered at their full frame rate for a few seconds
// without a break, and takes a layer away again when the estimate falls well below what it costs. mediasoup
// still picks the layer and frame rate under that cap, and still drops at once when the estimate falls.
// Pure, tested apart from mediasoup.

/** How long the estimate must cover a layer, without a dip, before the viewer may be moved up to it. */
export const HOLD_MS = 3000;
/**
 * A layer is earned when the estimate has held this share of what it costs: a layer's rate moves by a tenth
 * or two with the picture, and mediasoup's estimate rarely climbs past what its probes read, a little under
 * the line's rate — an unlimited line's estimate sits at about the top layer's rate.
 */
export const RAISE_SHARE = 0.85;
/** A layer is taken away when the estimate falls below this share of what it costs. */
export const DROP_SHARE = 0.6;
/** How often a viewer held below its ceiling has its line probed, to learn whether the next layer fits. */
export const PROBE_EVERY_MS = 5000;

interface Sample {
  at: number;
  bps: number;
}

export class LayerGuard {
  /** The estimates of the last HOLD_MS, and the one in force when that window opened. */
  private readonly samples: Sample[] = [];
  private allowed: number;

  /** `startCap`: the layer a new viewer may get before its estimate has said anything (the lowest). */
  constructor(startCap = 0) {
    this.allowed = startCap;
  }

  /** mediasoup's estimate for the viewer (bits/s), when it tells one. */
  estimate(at: number, bps: number): void {
    this.samples.push({ at, bps });
    // Keep the newest sample at or before the window's start: it was in force when the window opened.
    while (this.samples.length > 1 && this.samples[1]!.at <= at - HOLD_MS) this.samples.shift();
  }

  /**
   * The highest spatial layer the viewer may receive now, given what each layer costs at its full frame rate
   * (bits/s, lowest first; an unknown cost lets nothing be decided and keeps the cap).
   */
  cap(at: number, layerBps: readonly number[]): number {
    const top = layerBps.length - 1;
    if (top < 0) return this.allowed;
    this.allowed = Math.min(this.allowed, top);
    const now = this.latest;
    if (now !== undefined)
      while (this.allowed > 0 && now < layerBps[this.allowed]! * DROP_SHARE) this.allowed--;
    const held = this.held(at);
    if (held !== undefined)
      while (this.allowed < top && held >= layerBps[this.allowed + 1]! * RAISE_SHARE) this.allowed++;
    return this.allowed;
  }

  /** The estimate now (undefined before mediasoup has told one). */
  get latest(): number | undefined {
    return this.samples[this.samples.length - 1]?.bps;
  }

  /** The lowest estimate in force over the last HOLD_MS; undefined until the estimate is that old. */
  private held(at: number): number | undefined {
    // The sample in force when the window opened: the newest at or before its start.
    let opened = -1;
    this.samples.forEach((s, i) => {
      if (s.at <= at - HOLD_MS) opened = i;
    });
    if (opened < 0) return undefined;
    return Math.min(...this.samples.slice(opened).map((s) => s.bps));
  }
}

/**
 * What each spatial layer of a camera's video costs at its full frame rate (bits/s, lowest first), from
 * mediasoup's producer stats: simulcast has one stream per layer (matched to the encodings by rid or ssrc);
 * SVC one stream whose cumulative `bitrateByLayer` says it per "spatial.temporal". Undefined when the stats
 * do not cover every layer.
 */
export function layerCosts(
  encodings: readonly { rid?: string | undefined; ssrc?: number | undefined }[],
  count: { spatial: number; temporal: number },
  stats: readonly { rid?: string | undefined; ssrc?: number; bitrate: number; bitrateByLayer?: object }[],
): number[] | undefined {
  if (encodings.length > 1) {
    const costs = encodings.map(
      (e) => stats.find((s) => (e.rid !== undefined ? s.rid === e.rid : s.ssrc === e.ssrc))?.bitrate,
    );
    return costs.every((c) => c !== undefined) ? costs : undefined;
  }
  const byLayer = stats[0]?.bitrateByLayer as Record<string, unknown> | undefined;
  const costs = Array.from({ length: count.spatial }, (_, s) => byLayer?.[`${s}.${count.temporal - 1}`]);
  return costs.every((c): c is number => typeof c === 'number') ? costs : undefined;
}
