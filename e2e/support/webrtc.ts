// Reads inbound/outbound WebRTC statistics from a page's live peer connections.
import type { Page } from 'playwright-core';

export interface InboundTotals {
  framesDecoded: number;
  videoPackets: number;
  audioPackets: number;
  audioSamples: number;
  frameWidth: number;
  frameHeight: number;
}

export function inboundTotals(page: Page): Promise<InboundTotals> {
  return page.evaluate(async () => {
    const totals = {
      framesDecoded: 0,
      videoPackets: 0,
      audioPackets: 0,
      audioSamples: 0,
      frameWidth: 0,
      frameHeight: 0,
    };
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const n = (k: string) => {
          const v = s[k];
          return typeof v === 'number' ? v : 0;
        };
        if (s.kind === 'video') {
          totals.framesDecoded += n('framesDecoded');
          totals.videoPackets += n('packetsReceived');
          totals.frameWidth = Math.max(totals.frameWidth, n('frameWidth'));
          totals.frameHeight = Math.max(totals.frameHeight, n('frameHeight'));
        } else if (s.kind === 'audio') {
          totals.audioPackets += n('packetsReceived');
          totals.audioSamples += n('totalSamplesReceived');
        }
      });
    }
    return totals;
  });
}

/** The remote port of each connected ICE pair: which SFU port the media really flows through. */
export function selectedRemotePorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const ports: number[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.push(s));
      for (const pair of stats) {
        if (pair.type !== 'candidate-pair' || pair.state !== 'succeeded' || !pair.nominated) continue;
        const remote = stats.find((s) => s.id === pair.remoteCandidateId);
        if (typeof remote?.port === 'number') ports.push(remote.port);
      }
    }
    return ports;
  });
}

/** Polls until `predicate` holds, or fails with the last value seen. */
export async function waitFor<T>(
  read: () => Promise<T>,
  predicate: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 250, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!predicate(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await read();
  }
  return last;
}
