// The layers the camera sends. With "Adaptive quality" (the default) the 360 frame goes out three times —
// at full, ½ and ¼ of its width — so the SFU can give each viewer the best its network carries; with VP9
// the same three sizes travel as one SVC stream. Each layer also has temporal layers where the browser's
// encoder offers them (L1T3: the SFU can halve or quarter the frame rate without a keyframe). Without
// Adaptive quality (a weak camera laptop) one layer goes out, as before.
import type { types } from 'mediasoup-client';

/** How the video is layered: three simulcast streams, one SVC stream, or a single layer. */
export type LayerPlan = 'simulcast' | 'svc' | 'single';

/** Spatial layers, lowest first: how much each is scaled down from the captured frame. */
export const LAYER_SCALES = [4, 2, 1] as const;

/**
 * A layer's bitrate from the top layer's: the top keeps the maximum; a layer with 1/k² of the pixels gets
 * max / k^1.5 (small pictures need more bits per pixel to stay sharp), e.g. 15 Mbps → 5.3 and 1.9 Mbps.
 */
export function layerBitrate(maxBitrate: number, scale: number): number {
  return Math.round(maxBitrate / scale ** 1.5);
}

/** The plan for a codec: SVC for VP9, simulcast otherwise; single when adaptive quality is off. */
export function layerPlan(adaptive: boolean, codecMimeType: string | undefined): LayerPlan {
  if (!adaptive) return 'single';
  return codecMimeType?.toLowerCase() === 'video/vp9' ? 'svc' : 'simulcast';
}

/**
 * The encodings to publish with. `scalabilityModes` are the modes the browser's encoder offers for the codec
 * (RTCRtpSender.getCapabilities); temporal layers are asked for only where offered.
 */
export function videoEncodings(
  plan: LayerPlan,
  maxBitrate: number,
  scalabilityModes: readonly string[] | undefined,
): types.RtpEncodingParameters[] {
  const offers = (mode: string) => scalabilityModes?.includes(mode) === true;
  switch (plan) {
    case 'single':
      return [{ maxBitrate }];
    case 'svc':
      return [{ maxBitrate, ...(offers('L3T3_KEY') ? { scalabilityMode: 'L3T3_KEY' } : {}) }];
    case 'simulcast':
      return LAYER_SCALES.map((scale) => ({
        scaleResolutionDownBy: scale,
        maxBitrate: layerBitrate(maxBitrate, scale),
        ...(offers('L1T3') && { scalabilityMode: 'L1T3' }),
      }));
  }
}
