// Which layer of a camera that sends several (simulcast, or SVC) a viewer may receive. mediasoup's bandwidth
// estimation picks each viewer's layer; this is the ceiling it picks under: the viewer's choice (Auto, High,
// Medium, Low) and, on Auto, what the viewer's screen can show. A camera that sends one layer needs none of
// it: every viewer gets that layer. Pure functions, tested apart from mediasoup.
import type { Quality } from '../protocol/index.js';

/** What a viewer asked for: a quality, and the width of a 360° frame its screen can show. */
export interface QualityChoice {
  quality: Quality;
  wantedWidth?: number | undefined;
}

/** How many spatial and temporal layers a stream has. */
export interface LayerCount {
  spatial: number;
  temporal: number;
}

/**
 * The layer counts a scalability mode announces: "L1T3" (one simulcast stream with three temporal layers),
 * "L3T3" / "L3T3_KEY" (SVC), "S3T3" (simulcast as mediasoup describes a consumer of three streams).
 * One spatial and one temporal layer without a mode, or with one this does not know.
 */
export function parseScalabilityMode(mode: string | undefined): LayerCount {
  const match = /^[LS]([1-9]\d?)T([1-9]\d?)/.exec(mode ?? '');
  return match ? { spatial: Number(match[1]), temporal: Number(match[2]) } : { spatial: 1, temporal: 1 };
}

/**
 * The layers a camera's video track sends, from its RTP parameters: simulcast has one encoding per spatial
 * layer (each with its own temporal layers, "L1T3"); SVC has one encoding that names them all ("L3T3_KEY").
 */
export function producerLayers(encodings: { scalabilityMode?: string }[]): LayerCount {
  const first = parseScalabilityMode(encodings[0]?.scalabilityMode);
  return encodings.length > 1 ? { spatial: encodings.length, temporal: first.temporal } : first;
}

/**
 * The scale-down of each spatial layer, lowest first: simulcast encodings say theirs (none: full size);
 * SVC halves each layer below the top (libwebrtc's L2/L3 modes).
 */
export function layerScales(
  encodings: { scaleResolutionDownBy?: number; scalabilityMode?: string }[],
  count: LayerCount,
): (number | undefined)[] {
  if (encodings.length === count.spatial) return encodings.map((e) => e.scaleResolutionDownBy);
  return Array.from({ length: count.spatial }, (_, i) => 2 ** (count.spatial - 1 - i));
}

/**
 * The widths of a camera's spatial layers, lowest first: the top layer is sent at `topWidth`, each layer at
 * `topWidth / scaleDownBy` (the camera's encodings, lowest first; a missing scale means full size).
 */
export function layerWidths(topWidth: number, scaleDownBy: (number | undefined)[]): number[] {
  const top = scaleDownBy[scaleDownBy.length - 1] ?? 1;
  return scaleDownBy.map((scale) => Math.round((topWidth * top) / (scale ?? 1)));
}

export interface Ceiling {
  /** The highest spatial layer the viewer may get (0 = lowest). */
  spatialLayer: number;
  /** Every temporal layer of it: frame rate is cut only by the bandwidth estimate. */
  temporalLayer: number;
}

/**
 * The ceiling for a choice: High the top layer, Medium the middle one, Low the lowest; Auto the top layer,
 * or — when the layers' widths and the width the viewer's screen can show are known — the lowest layer at
 * least that wide (a small window need not pull the 4K layer). A layer that does not exist is never chosen:
 * the nearest one is.
 */
export function ceilingFor(
  quality: Quality,
  count: LayerCount,
  screen: { widths?: number[]; wantedWidth?: number } = {},
): Ceiling {
  const top = Math.max(0, count.spatial - 1);
  const temporalLayer = Math.max(0, count.temporal - 1);
  const spatial = (layer: number) => ({ spatialLayer: Math.min(top, Math.max(0, layer)), temporalLayer });
  switch (quality) {
    case 'high':
      return spatial(top);
    case 'medium':
      return spatial(Math.floor(top / 2));
    case 'low':
      return spatial(0);
    case 'auto': {
      const { widths, wantedWidth } = screen;
      if (!widths || widths.length !== count.spatial || wantedWidth === undefined) return spatial(top);
      const enough = widths.findIndex((w) => w >= wantedWidth);
      return spatial(enough === -1 ? top : enough);
    }
  }
}
