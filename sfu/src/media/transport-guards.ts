// Each viewer transport's layer guard (layer-guard.ts), fed by mediasoup's bandwidth estimate for it (its
// 'bwe' trace), and the probes of lines whose viewers the guard holds below their ceiling. Only transports
// towards devices that give mediasoup an estimate at all have one.
import type { FastifyBaseLogger } from 'fastify';
import type { types } from 'mediasoup';
import { LayerGuard, PROBE_EVERY_MS } from './layer-guard.js';

/** What RTP capabilities or parameters say of the feedback a device gives (enough to see a BWE). */
export interface RtpFeatures {
  headerExtensions?: readonly { uri: string }[];
  codecs?: readonly { rtcpFeedback?: readonly { type: string }[] }[];
}

/**
 * Whether mediasoup can estimate the bandwidth towards a device with these capabilities: transport-wide
 * congestion control (its header extension) or REMB. A device with neither (a plain RTP player) has no
 * estimate to earn layers with; mediasoup then forwards the layer it prefers.
 */
export function estimatesBandwidth(rtp: RtpFeatures): boolean {
  return (
    (rtp.headerExtensions ?? []).some((e) => e.uri.includes('transport-wide-cc')) ||
    (rtp.codecs ?? []).some((c) => (c.rtcpFeedback ?? []).some((f) => f.type === 'goog-remb'))
  );
}

interface Guarded {
  guard: LayerGuard;
  stop: () => void;
  /** When its line was last probed. */
  probedAt: number;
}

/** What mediasoup tells of a transport's bandwidth estimate ('bwe' trace). */
interface BweTrace {
  type: string;
  info: { availableBitrate?: unknown };
}

export class TransportGuards {
  private readonly guards = new Map<types.Transport, Guarded>();

  /** `estimated`: called with a transport after each estimate mediasoup tells for it. */
  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly estimated: (transport: types.Transport) => void,
  ) {}

  /** Starts guarding `transport` (of the peer `peerId`), once. */
  add(transport: types.Transport, peerId: string): void {
    if (this.guards.has(transport)) return;
    const guard = new LayerGuard();
    const onTrace = (trace: BweTrace) => {
      const bps = trace.info.availableBitrate;
      if (trace.type !== 'bwe' || typeof bps !== 'number') return;
      guard.estimate(Date.now(), bps);
      this.log.debug({ peerId, estimateBps: bps }, 'viewer estimate');
      this.estimated(transport);
    };
    transport.on('trace', onTrace);
    transport.enableTraceEvent(['bwe']).catch((error: unknown) => {
      if (!transport.closed) this.log.warn({ peerId, err: error }, 'no estimate for the layer guard');
    });
    this.guards.set(transport, {
      guard,
      probedAt: Date.now(),
      stop: () => {
        transport.off('trace', onTrace);
        if (!transport.closed) transport.enableTraceEvent([]).catch(() => undefined);
      },
    });
  }

  remove(transport: types.Transport): void {
    this.guards.get(transport)?.stop();
    this.guards.delete(transport);
  }

  transports(): types.Transport[] {
    return [...this.guards.keys()];
  }

  /** The highest layer the estimate on `transport` has earned, given the layers' costs (none yet: 0). */
  cap(transport: types.Transport, costs: readonly number[]): number {
    return this.guards.get(transport)?.guard.cap(Date.now(), costs) ?? 0;
  }

  /**
   * Probes the line of a viewer held below its ceiling, every PROBE_EVERY_MS: mediasoup probes a transport
   * (a short burst of padding at its maximum) when that maximum rises, and the estimate its viewer's small
   * layer feeds otherwise never learns of room for a larger one. The maximum is set just above the estimate
   * (nothing is taken from the viewer; never under its floor, `minBps`), then lifted again.
   */
  async probe(transport: types.Transport, minBps: number): Promise<void> {
    const g = this.guards.get(transport);
    const estimate = g?.guard.latest;
    const now = Date.now();
    if (!g || estimate === undefined || now - g.probedAt < PROBE_EVERY_MS || transport.closed) return;
    g.probedAt = now;
    try {
      await transport.setMaxOutgoingBitrate(Math.max(Math.ceil(estimate * 1.1), minBps));
      await transport.setMaxOutgoingBitrate(0);
    } catch (error: unknown) {
      if (!transport.closed) this.log.warn({ err: error }, 'probe of a viewer line refused');
    }
  }
}
