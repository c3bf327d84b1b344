// Reads inbound/outbound WebRTC statistics from a page's live peer connections.
import type { Page } from 'playwright-core';

export interface InboundStream {
  kind: 'audio' | 'video';
  framesDecoded: number;
  packetsReceived: number;
  totalSamplesReceived: number;
  frameWidth: number;
  frameHeight: number;
  /** The codec being received, e.g. video/VP8 (empty until known). */
  codec: string;
}

/** Every inbound RTP stream of the page's open peer connections, by stats id. */
export function inboundStreams(page: Page): Promise<Record<string, InboundStream>> {
  return page.evaluate(async () => {
    const out: Record<string, InboundStream> = {};
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const all: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((s: Record<string, unknown>) => all.push(s));
      const codecs = new Map<unknown, string>();
      for (const s of all)
        if (s.type === 'codec' && typeof s.mimeType === 'string') codecs.set(s.id, s.mimeType);
      all.forEach((s) => {
        if (s.type !== 'inbound-rtp' || (s.kind !== 'audio' && s.kind !== 'video')) return;
        // mediasoup's bandwidth probation packets (SSRC 1234) show up as a stream of their own; not media.
        if (s.ssrc === 1234) return;
        const n = (k: string) => {
          const v = s[k];
          return typeof v === 'number' ? v : 0;
        };
        out[String(s.id)] = {
          kind: s.kind,
          framesDecoded: n('framesDecoded'),
          packetsReceived: n('packetsReceived'),
          totalSamplesReceived: n('totalSamplesReceived'),
          frameWidth: n('frameWidth'),
          frameHeight: n('frameHeight'),
          codec: codecs.get(s.codecId) ?? '',
        };
      });
    }
    return out;
  });
}

export interface Progress {
  /** Frames decoded / packets received during the window, summed over streams alive at both ends. */
  frames: number;
  videoPackets: number;
  audioPackets: number;
  audioSamples: number;
  frameWidth: number;
  frameHeight: number;
}

/**
 * What the page received over `ms` milliseconds. Streams are compared by id, so a stream that ended (and
 * left the stats) or a new one (starting from zero) never makes the totals jump. Streams in `except` are
 * not counted (a gone connection's: its last buffered frames are not the picture coming back).
 */
export async function progressOver(
  page: Page,
  ms: number,
  { except }: { except?: ReadonlySet<string> } = {},
): Promise<Progress> {
  const before = await inboundStreams(page);
  await page.waitForTimeout(ms);
  const after = await inboundStreams(page);
  const p: Progress = {
    frames: 0,
    videoPackets: 0,
    audioPackets: 0,
    audioSamples: 0,
    frameWidth: 0,
    frameHeight: 0,
  };
  for (const [id, a] of Object.entries(after)) {
    const b = before[id];
    if (!b || except?.has(id)) continue;
    if (a.kind === 'video') {
      p.frames += a.framesDecoded - b.framesDecoded;
      p.videoPackets += a.packetsReceived - b.packetsReceived;
      p.frameWidth = Math.max(p.frameWidth, a.frameWidth);
      p.frameHeight = Math.max(p.frameHeight, a.frameHeight);
    } else {
      p.audioPackets += a.packetsReceived - b.packetsReceived;
      p.audioSamples += a.totalSamplesReceived - b.totalSamplesReceived;
    }
  }
  return p;
}

/** Resolves once the page decodes video and receives audio, or fails with the last window's figures. */
export function waitForMediaFlow(page: Page, what: string, timeoutMs = 20_000): Promise<Progress> {
  return waitFor(
    () => progressOver(page, 1000),
    (p) => p.frames >= 5 && p.audioPackets >= 10 && p.audioSamples > 0,
    { timeoutMs, intervalMs: 0, what },
  );
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

export interface SelectedPair {
  /** host, srflx, relay… */
  localType: string;
  /** The page's own address on that pair (its host address for a host candidate). */
  localAddress: string | undefined;
  /** How the page reaches its TURN server (udp, tcp, tls), for relay candidates. */
  relayProtocol: string | undefined;
  /** The SFU (or relay) port the media really flows through. */
  remotePort: number | undefined;
}

/**
 * The ICE candidate pair each connected peer connection is using: the one its transport names as selected.
 * (Not "succeeded and nominated": after an ICE restart the pair it left can still read so for a while.)
 */
export function selectedPairs(page: Page): Promise<SelectedPair[]> {
  return page.evaluate(async () => {
    const out: SelectedPair[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.push(s));
      for (const transport of stats) {
        if (transport.type !== 'transport' || typeof transport.selectedCandidatePairId !== 'string') continue;
        const pair = stats.find((s) => s.id === transport.selectedCandidatePairId);
        if (!pair) continue;
        const local = stats.find((s) => s.id === pair.localCandidateId);
        const remote = stats.find((s) => s.id === pair.remoteCandidateId);
        out.push({
          localType: typeof local?.candidateType === 'string' ? local.candidateType : '?',
          localAddress: typeof local?.address === 'string' ? local.address : undefined,
          relayProtocol: typeof local?.relayProtocol === 'string' ? local.relayProtocol : undefined,
          remotePort: typeof remote?.port === 'number' ? remote.port : undefined,
        });
      }
    }
    return out;
  });
}

/**
 * Watches the page's decoded video frames from inside the page, every `everyMs`, until stopped; `stop`
 * resolves the longest time (ms) in which no new frame was decoded. Measured in the page so that a slow
 * round trip from the test process on a loaded machine does not count as a stall. A stream replaced by a
 * new one counts once it decodes.
 */
export async function watchStalls(
  page: Page,
  everyMs = 100,
): Promise<{ stop: () => Promise<number>; gaps: () => Promise<Gap[]> }> {
  await page.evaluate((ms) => {
    const w = window as unknown as {
      __pcs: RTCPeerConnection[];
      __stalls?: { worst: number; gaps: Gap[]; stop: () => void };
    };
    const frames: Record<string, number> = {};
    let last = performance.now();
    let busy = false;
    const state = { worst: 0, gaps: [] as Gap[], stop: () => clearInterval(timer) };
    // What the receiver counted (summed over its video streams) when the last frame was decoded.
    const zero = { bytes: 0, lost: 0, nacks: 0, plis: 0, keyframes: 0 };
    let atLast = { ...zero };
    const tick = async () => {
      if (busy) return;
      busy = true;
      let decoded = false;
      const counted = { ...zero };
      for (const pc of w.__pcs) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'video' || s.ssrc === 1234) return;
          const num = (k: string) => (typeof s[k] === 'number' ? s[k] : 0);
          const n = num('framesDecoded');
          const id = String(s.id);
          if (n > (frames[id] ?? 0)) decoded = true;
          frames[id] = n;
          counted.bytes += num('bytesReceived');
          counted.lost += num('packetsLost');
          counted.nacks += num('nackCount');
          counted.plis += num('pliCount') + num('firCount');
          counted.keyframes += num('keyFramesDecoded');
        });
      }
      const now = performance.now();
      if (decoded && now - last > 500) {
        const during = (k: keyof typeof zero) => counted[k] - atLast[k];
        state.gaps.push({
          endedAt: Date.now(),
          ms: Math.round(now - last),
          kbytes: Math.round(during('bytes') / 1000),
          lost: during('lost'),
          nacks: during('nacks'),
          plis: during('plis'),
          keyframes: during('keyframes'),
        });
      }
      if (decoded) {
        last = now;
        atLast = counted;
      }
      state.worst = Math.max(state.worst, now - last);
      busy = false;
    };
    const timer = setInterval(() => void tick(), ms);
    w.__stalls = state;
  }, everyMs);
  return {
    stop: () =>
      page.evaluate(() => {
        const state = (window as unknown as { __stalls: { worst: number; stop: () => void } }).__stalls;
        state.stop();
        return Math.round(state.worst);
      }),
    gaps: () => page.evaluate(() => (window as unknown as { __stalls: { gaps: Gap[] } }).__stalls.gaps),
  };
}

/**
 * A time without a new decoded frame (over 500 ms): when it ended (epoch ms), how long it was, and what the
 * receiver counted meanwhile (kB received, packets lost, NACKs and keyframe requests sent, keyframes decoded).
 */
export interface Gap {
  endedAt: number;
  ms: number;
  kbytes: number;
  lost: number;
  nacks: number;
  plis: number;
  keyframes: number;
}

/** The page's sent video: keyframe requests (PLI, FIR) it received and keyframes it encoded, summed. */
export function outboundVideo(page: Page): Promise<{ keyFrameRequests: number; keyFramesEncoded: number }> {
  return page.evaluate(async () => {
    const out = { keyFrameRequests: 0, keyFramesEncoded: 0 };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
        const n = (k: string) => (typeof s[k] === 'number' ? s[k] : 0);
        out.keyFrameRequests += n('pliCount') + n('firCount');
        out.keyFramesEncoded += n('keyFramesEncoded');
      });
    }
    return out;
  });
}

/** The SRTP cipher of each connected peer connection's transport (what DTLS negotiated). */
export function srtpCiphers(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'transport' && typeof s.srtpCipher === 'string') out.push(s.srtpCipher);
      });
    }
    return out;
  });
}

/**
 * Inbound audio streams of the page that received packets over `ms` (samples alone are no proof: a
 * receiver plays out concealment samples while nothing arrives), and whether each one's samples grew too.
 */
export async function audioStreamsFlowing(page: Page, ms = 1500): Promise<number> {
  const before = await inboundStreams(page);
  await page.waitForTimeout(ms);
  const after = await inboundStreams(page);
  return Object.entries(after).filter(([id, s]) => {
    const was = before[id];
    return (
      s.kind === 'audio' &&
      s.packetsReceived > (was?.packetsReceived ?? 0) &&
      s.totalSamplesReceived > (was?.totalSamplesReceived ?? 0)
    );
  }).length;
}

/** The page's received video, summed over its streams: what explains a stall (loss, repair, keyframes). */
export function videoReceiveCounters(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const keys = [
      'packetsReceived',
      'packetsLost',
      'nackCount',
      'pliCount',
      'firCount',
      'framesReceived',
      'framesDecoded',
      'framesDropped',
      'keyFramesDecoded',
      'freezeCount',
      'totalFreezesDuration',
    ];
    const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        // ssrc 1234 is mediasoup-client's bandwidth probe: padding only, never a frame (it asks for keyframes).
        if (s.type !== 'inbound-rtp' || s.kind !== 'video' || s.ssrc === 1234) return;
        for (const k of keys) if (typeof s[k] === 'number') out[k]! += s[k];
      });
    }
    return out;
  });
}

export interface SentLayer {
  rid: string;
  frameWidth: number;
  /** Bits per second over the window. */
  bitrateBps: number;
  /** Frames encoded per second over the window. */
  fps: number;
}

/** Each video layer the page sends (simulcast rids), narrowest first, with its bitrate over `ms`. */
export async function sentLayers(page: Page, ms = 2000): Promise<SentLayer[]> {
  const read = () =>
    page.evaluate(async () => {
      const out: Record<string, { rid: string; frameWidth: number; bytes: number; frames: number }> = {};
      for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
          out[String(s.id)] = {
            rid: typeof s.rid === 'string' ? s.rid : '',
            frameWidth: typeof s.frameWidth === 'number' ? s.frameWidth : 0,
            bytes: typeof s.bytesSent === 'number' ? s.bytesSent : 0,
            frames: typeof s.framesEncoded === 'number' ? s.framesEncoded : 0,
          };
        });
      }
      return out;
    });
  const before = await read();
  await page.waitForTimeout(ms);
  const after = await read();
  return Object.entries(after)
    .map(([id, s]) => ({
      rid: s.rid,
      frameWidth: s.frameWidth,
      bitrateBps: Math.round(((s.bytes - (before[id]?.bytes ?? s.bytes)) * 8 * 1000) / ms),
      fps: Math.round(((s.frames - (before[id]?.frames ?? s.frames)) * 1000) / ms),
    }))
    .sort((a, b) => a.frameWidth - b.frameWidth);
}

/** Each layer as "1280 px 15 fps 860 kbit/s", for a test's log. */
export const describeLayers = (layers: SentLayer[]): string =>
  layers.map((l) => `${l.frameWidth} px ${l.fps} fps ${Math.round(l.bitrateBps / 1000)} kbit/s`).join(', ');

/**
 * The layers the page sends once its encoder has ramped up: after a few seconds, when two 3 s readings in a
 * row agree on every layer's bitrate within 10 % (or 20 kbit/s: a small layer's bitrate wobbles more).
 */
export async function steadyLayers(page: Page): Promise<SentLayer[]> {
  await page.waitForTimeout(4000);
  const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.1 * a, 20_000);
  const agree = (a: SentLayer[], b: SentLayer[]) =>
    a.length === b.length && a.every((l, i) => close(l.bitrateBps, b[i]!.bitrateBps));
  let previous = await sentLayers(page, 3000);
  for (let i = 0; i < 8; i++) {
    const now = await sentLayers(page, 3000);
    if (agree(now, previous)) return now;
    previous = now;
  }
  throw new Error(`the layers sent never settled: ${describeLayers(previous)}`);
}

/** The width of the video the page decodes now (its widest inbound video stream). */
export async function receivedWidth(page: Page): Promise<number> {
  const streams = Object.values(await inboundStreams(page)).filter((s) => s.kind === 'video');
  return Math.max(0, ...streams.map((s) => s.frameWidth));
}

/** Polls until `page` decodes at a width `ok` accepts: the milliseconds that took, or null after `timeoutMs`. */
export async function timeToWidth(
  page: Page,
  ok: (width: number) => boolean,
  timeoutMs: number,
): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (ok(await receivedWidth(page))) return Date.now() - start;
    await page.waitForTimeout(100);
  }
  return null;
}

/**
 * The keyframe requests (PLI + FIR) that have reached the page's video encodings so far, per simulcast rid
 * ('' for a one-layer track): what the SFU's throttle lets through, counted where the camera receives them.
 */
export async function keyframeRequestsReceived(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
        const rid = typeof s.rid === 'string' ? s.rid : '';
        const n = (k: string) => (typeof s[k] === 'number' ? s[k] : 0);
        out[rid] = (out[rid] ?? 0) + n('pliCount') + n('firCount');
      });
    }
    return out;
  });
}

/** The loudest audio the page receives now (WebRTC audioLevel, 0–1): a voice, a tone. */
export const audioLevel = (page: Page): Promise<number> =>
  page.evaluate(async () => {
    let max = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs)
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio' && typeof s.audioLevel === 'number')
          max = Math.max(max, s.audioLevel);
      });
    return max;
  });
