// How the service forwards media: the choices the benchmark (sfu/bench) measures against bare mediasoup.
// What each is worth, measured by `npm run bench` on the same ladder with and without it: README "Performance".
import { readFileSync } from 'node:fs';
import type { types } from 'mediasoup';

/**
 * The SRTP profile for transports whose keys we choose (plain RTP; the benchmark's viewers). It is what the
 * service's WebRTC viewers get: mediasoup offers AEAD_AES_256_GCM first in DTLS-SRTP and Chromium takes it
 * (asserted in e2e/tests/broadcast). With libsrtp on OpenSSL it costs no more CPU than AES_CM_128_HMAC_SHA1_80;
 * on Debian's NSS build, AES_CM costs ~3× more (README "Performance").
 */
export const srtpCryptoSuite: types.SrtpCryptoSuite = 'AEAD_AES_256_GCM';

/** Options for a producer from the camera or a viewer's microphone. */
export function producerOptions(
  kind: types.MediaKind,
  keyFrameMinIntervalMs: number,
): Pick<types.ProducerOptions, 'keyFrameRequestDelay'> {
  // A class joining at once must not make the camera send one large keyframe per headset.
  return { keyFrameRequestDelay: kind === 'video' ? keyFrameMinIntervalMs : 0 };
}

/**
 * UDP receive buffer the workers' sockets should get. mediasoup 3.12 leaves its sockets at the host's
 * default (often 208 KiB); a camera's keyframe burst arriving while the worker is busy overflows that and
 * every viewer loses the same packets.
 */
export const wantedUdpReceiveBuffer = 4 * 1024 * 1024;

/** A warning with the exact fix when the host's default UDP receive buffer is below what workers want. */
export function udpBufferAdvice(procSys = '/proc/sys/net/core'): string | undefined {
  let current: number;
  try {
    current = Number(readFileSync(`${procSys}/rmem_default`, 'utf8').trim());
  } catch {
    return undefined; // not Linux, or /proc not mounted: nothing to say
  }
  if (!Number.isFinite(current) || current >= wantedUdpReceiveBuffer) return undefined;
  return (
    `UDP receive buffers default to ${Math.round(current / 1024)} KiB on this host; under load a camera's ` +
    `keyframe can overflow them and every viewer loses it. Raise them (as root): ` +
    `sysctl -w net.core.rmem_default=${wantedUdpReceiveBuffer} net.core.rmem_max=${wantedUdpReceiveBuffer}` +
    ` (persist in /etc/sysctl.d/90-inclubit.conf)`
  );
}
