// The least a viewer's bandwidth estimate may fall to while it receives a layered track: what the camera's
// lowest layer needs, at its lowest frame rate, with a margin. Without a floor, one burst of loss (a link
// that suddenly carries a fifth of the stream) takes mediasoup's estimate down to its 30 kbit/s minimum, no
// layer fits, the viewer is sent nothing — and with nothing sent nothing tells the estimate to recover: the
// picture stays frozen. With it the viewer always gets the lowest layer, and climbs from there. Pure
// functions, tested apart from mediasoup.

/** What mediasoup reports of one of a producer's streams (a simulcast encoding, or the SVC stream). */
export interface StreamBitrate {
  /** bits/s of the whole stream. */
  bitrate: number;
  /** bits/s up to each "spatial.temporal" layer, cumulative (mediasoup's bitrateByLayer), when it has layers. */
  bitrateByLayer?: Record<string, unknown>;
}

/** Margin over the lowest layer's measured rate: the rate moves with the picture, and keyframes burst. */
export const FLOOR_MARGIN = 1.25;
/** mediasoup refuses a minimum below its own (TransportCongestionControlMinOutgoingBitrate). */
export const MEDIASOUP_MIN_BPS = 30_000;
/** A floor never forces more than this on a link, whatever a camera's lowest layer costs. */
export const FLOOR_CAP_BPS = 1_500_000;

/**
 * The floor for a viewer of these streams: the cheapest active stream's lowest layer ("0.0": spatial 0 at
 * temporal 0 — for simulcast each stream is its own spatial 0) times the margin, within mediasoup's minimum
 * and the cap. Undefined while no stream sends (nothing known to keep).
 */
export function layerFloorBps(streams: readonly StreamBitrate[]): number | undefined {
  const lowest = streams
    .map((s) => {
      const base = s.bitrateByLayer?.['0.0'];
      return typeof base === 'number' && base > 0 ? base : s.bitrate;
    })
    .filter((bps) => bps > 0);
  if (lowest.length === 0) return undefined;
  const floor = Math.ceil(Math.min(...lowest) * FLOOR_MARGIN);
  return Math.min(FLOOR_CAP_BPS, Math.max(MEDIASOUP_MIN_BPS, floor));
}

/**
 * Whether a floor set before (`was`) should be replaced by `next`: a change of 30 % or more. Every new floor
 * restarts mediasoup's bandwidth estimator from its estimate; a camera's lowest layer moves by a tenth from
 * second to second, and following each move kept the estimators of viewers on narrow lines restarting.
 */
export function floorChanged(was: number | undefined, next: number): boolean {
  return was === undefined || Math.abs(next - was) >= was * 0.3;
}
