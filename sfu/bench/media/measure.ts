// What the media benchmarks measure with, shared by the one-node ladder and the cluster: a process's and a
// core's CPU over a window, pinning, SRTP viewers as plain-transport consumers, mediasoup's send counters.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { types } from 'mediasoup';

export const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (USER_HZ = 100)
};

/** Busy and total jiffies of each core (/proc/stat): the worker's own time misses the kernel's network work
 * done for it in softirq, which on loopback is a large share of forwarding. */
export const coreTimes = () =>
  readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const [user, nice, system, idle, iowait, irq, softirq, steal] = l.split(/\s+/).slice(1).map(Number);
      const busy = user! + nice! + system! + irq! + softirq! + steal!;
      return { busy, total: busy + idle! + iowait! };
    });

/** The path of the libsrtp shared object mapped into a process ("static" when none is). */
export function loadedLibsrtp(pid: number): string {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  return maps.match(/\s(\/\S*libsrtp2\S*)\n/)?.[1] ?? 'static';
}

/** Pins a process (all its threads) to one core, so "per core" means what it says; 'all' lets it go again. */
export function pin(pid: number, core: number | 'all'): void {
  const cores = core === 'all' ? `0-${os.availableParallelism() - 1}` : String(core);
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

export const h264 = (router: types.Router) => {
  const codec = router.rtpCapabilities.codecs!.find(
    (c) =>
      c.mimeType === 'video/H264' &&
      (c.parameters as Record<string, unknown>)['profile-level-id'] === '42e01f',
  );
  if (!codec) throw new Error('router has no H264 constrained baseline');
  return codec;
};

export const toffsetUri = 'urn:ietf:params:rtp-hdrext:toffset';

/**
 * What the synthetic camera publishes on `router`: H264 constrained baseline at the router's payload type,
 * NACK, PLI and FIR as a browser offers them, one encoding per SSRC (a layer each), and the toffset extension
 * that carries each packet's index to the sinks.
 */
export function syntheticCamera(router: types.Router, ssrcs: number[]) {
  const codec = h264(router);
  const toffset = router.rtpCapabilities.headerExtensions!.find(
    (h) => h.uri === toffsetUri && h.kind === 'video',
  )!;
  return {
    payloadType: codec.preferredPayloadType!,
    toffsetId: toffset.preferredId,
    rtpParameters: {
      codecs: [
        {
          mimeType: 'video/H264',
          payloadType: codec.preferredPayloadType!,
          clockRate: 90000,
          parameters: codec.parameters as Record<string, string | number>,
          rtcpFeedback: [
            { type: 'nack' },
            { type: 'nack', parameter: 'pli' },
            { type: 'ccm', parameter: 'fir' },
          ],
        },
      ],
      encodings: ssrcs.map((ssrc) => ({ ssrc })),
      headerExtensions: [{ uri: toffsetUri, id: toffset.preferredId }],
    },
  };
}

/** From now until `end()`: each process's own CPU and each core's (cores[i] is the core pids[i] runs on). */
export function cpuWindow(pids: number[], cores: number[]) {
  const ticks0 = pids.map(cpuTicks);
  const cores0 = coreTimes();
  const t0 = performance.now();
  return {
    end(): { seconds: number; cpuPerWorker: number[]; corePerWorker: number[] } {
      const seconds = (performance.now() - t0) / 1000;
      const cores1 = coreTimes();
      return {
        seconds,
        cpuPerWorker: pids.map((pid, i) => (cpuTicks(pid) - ticks0[i]!) / 100 / seconds),
        corePerWorker: cores.map((c) => {
          const [a, b] = [cores0[c]!, cores1[c]!];
          return (b.busy - a.busy) / Math.max(1, b.total - a.total);
        }),
      };
    },
  };
}

const keyLength: Record<types.SrtpCryptoSuite, number> = {
  AEAD_AES_256_GCM: 44,
  AEAD_AES_128_GCM: 28,
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
};

/** One viewer of the ladders: its own SRTP plain transport and its consumer of the camera's video. */
export interface Viewer {
  transport: types.PlainTransport;
  consumer: types.Consumer;
}

export async function addViewer(
  router: types.Router,
  producerId: string,
  suite: types.SrtpCryptoSuite,
  sinkPort: number,
  spatialLayer: number | undefined,
): Promise<Viewer> {
  const transport = await router.createPlainTransport({
    listenIp: '127.0.0.1',
    rtcpMux: true,
    comedia: false,
    enableSrtp: true,
    srtpCryptoSuite: suite,
  });
  await transport.connect({
    ip: '127.0.0.1',
    port: sinkPort,
    srtpParameters: { cryptoSuite: suite, keyBase64: randomBytes(keyLength[suite]).toString('base64') },
  });
  // What a browser offers for H264: NACK, PLI and FIR, and the usual video header extensions.
  const caps = router.rtpCapabilities;
  // A layered viewer's sink sends no bandwidth feedback: offered REMB or transport-cc, mediasoup would keep
  // it on the layer its initial estimate allows (the lowest) instead of the one it prefers.
  const noEstimate = (c: types.RtpCodecCapability) => ({
    ...c,
    rtcpFeedback: c.rtcpFeedback?.filter((f) => f.type !== 'goog-remb' && f.type !== 'transport-cc'),
  });
  const h264Codecs = caps.codecs!.filter((c) => c.mimeType === 'video/H264');
  const consumer = await transport.consume({
    producerId,
    rtpCapabilities: {
      codecs: spatialLayer === undefined ? h264Codecs : h264Codecs.map(noEstimate),
      headerExtensions: caps.headerExtensions!.filter(
        (h) =>
          h.kind === 'video' &&
          [toffsetUri, 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'].includes(h.uri),
      ),
    },
    // A viewer of a layered camera gets its layer (plain transports have no bandwidth estimate to pick one).
    ...(spatialLayer !== undefined && { preferredLayers: { spatialLayer, temporalLayer: 0 } }),
  });
  return { transport, consumer };
}

/** Packets and bytes every consumer has sent so far (mediasoup's own counters). */
export async function sentTotals(consumers: types.Consumer[]): Promise<{ packets: number; bytes: number }> {
  const stats = await Promise.all(consumers.map((c) => c.getStats()));
  let packets = 0;
  let bytes = 0;
  for (const list of stats)
    for (const s of list)
      if (s.type === 'outbound-rtp') {
        packets += s.packetCount;
        bytes += s.byteCount;
      }
  return { packets, bytes };
}

export const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
