// What the camera really sends, layer by layer, read from its video sender's WebRTC statistics: each
// layer's size, frame rate and bitrate, and why the browser sends less than asked (cpu, bandwidth). A layer
// that sends nothing was dropped by the browser (a weak laptop, a narrow uplink, an encoder without
// simulcast). Pure: the caller keeps the byte counts between reads.

export interface LayerStats {
  /** The encoding's id ("r0" lowest); absent for a single layer. */
  rid: string | undefined;
  width: number | undefined;
  height: number | undefined;
  fps: number | undefined;
  bitrateBps: number;
  /** False when the layer sent nothing since the last read. */
  sending: boolean;
  qualityLimitation: string | undefined;
}

export interface SenderReading {
  /** Lowest layer first. */
  layers: LayerStats[];
  bitrateBps: number;
  rttMs: number | undefined;
  lossPercent: number | undefined;
}

/** Bytes each outbound stream had sent at the last read, by stats id. */
export type ByteCounts = Map<string, { bytes: number; at: number }>;

type Stat = Record<string, unknown>;
const num = (s: Stat | undefined, k: string) => (typeof s?.[k] === 'number' ? s[k] : undefined);
const str = (s: Stat | undefined, k: string) => (typeof s?.[k] === 'string' ? s[k] : undefined);

export function readSender(stats: Stat[], previous: ByteCounts, now: number): SenderReading {
  const outbound = stats.filter((s) => s.type === 'outbound-rtp' && s.kind !== 'audio');
  const layers = outbound.map((out): LayerStats => {
    const id = String(out.id);
    const bytes = num(out, 'bytesSent') ?? 0;
    const last = previous.get(id);
    previous.set(id, { bytes, at: now });
    const bitrateBps =
      last && now > last.at
        ? Math.max(0, Math.round(((bytes - last.bytes) * 8 * 1000) / (now - last.at)))
        : 0;
    return {
      rid: str(out, 'rid'),
      width: num(out, 'frameWidth'),
      height: num(out, 'frameHeight'),
      fps: num(out, 'framesPerSecond'),
      bitrateBps,
      sending: last === undefined ? bytes > 0 : bytes > last.bytes,
      qualityLimitation: str(out, 'qualityLimitationReason'),
    };
  });
  // Streams that are gone (a new producer) stop being counted.
  const live = new Set(outbound.map((o) => String(o.id)));
  for (const id of previous.keys()) if (!live.has(id)) previous.delete(id);
  layers.sort((a, b) => (a.rid ?? '').localeCompare(b.rid ?? '') || (a.width ?? 0) - (b.width ?? 0));
  const remote = stats.filter((s) => s.type === 'remote-inbound-rtp' && s.kind !== 'audio');
  const rtt = remote.map((r) => num(r, 'roundTripTime')).find((v) => v !== undefined);
  const lost = remote.map((r) => num(r, 'fractionLost')).filter((v): v is number => v !== undefined);
  return {
    layers,
    bitrateBps: layers.reduce((n, l) => n + l.bitrateBps, 0),
    rttMs: rtt !== undefined ? Math.round(rtt * 1000) : undefined,
    lossPercent: lost.length > 0 ? Math.max(...lost) * 100 : undefined,
  };
}

/** The layer viewers see at best: the widest one that is sending (or the widest at all). */
export function topLayer(reading: SenderReading): LayerStats | undefined {
  const sending = reading.layers.filter((l) => l.sending);
  const pick = sending.length > 0 ? sending : reading.layers;
  return pick.reduce<LayerStats | undefined>(
    (a, l) => (!a || (l.width ?? 0) > (a.width ?? 0) ? l : a),
    undefined,
  );
}
