// The camera's side of a broadcast: joins the room as its camera and publishes one video and one audio track.
import type { types } from 'mediasoup-client';
import type { RoomId, StreamInfo } from '@inclubit/sfu/protocol';
import { SignalingClient } from '../lib/signaling';
import { createTransport, loadDevice, relayOnlyRequested } from '../lib/mediasoup';

export interface PublishOptions {
  room: RoomId;
  stream: StreamInfo;
  video: MediaStreamTrack;
  audio: MediaStreamTrack | undefined;
  maxVideoBitrate: number;
  /** Called once if the broadcast ends without stop() (server gone, room closed). */
  onEnded: (reason: string) => void;
}

export class CameraPublisher {
  private readonly producers = new Map<types.MediaKind, types.Producer>();
  private stopped = false;
  private reportTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly signaling: SignalingClient,
    private readonly transport: types.Transport,
  ) {}

  static async start(opts: PublishOptions): Promise<CameraPublisher> {
    const signaling = await SignalingClient.connect();
    try {
      const { routerRtpCapabilities, iceServers } = await signaling.request('join', {
        room: opts.room,
        role: 'camera',
      });
      // Described before any track is live, so viewers map the first frame correctly.
      await signaling.request('setStream', opts.stream);
      const device = await loadDevice(routerRtpCapabilities);
      const transport = await createTransport(signaling, device, 'send', {
        iceServers,
        relayOnly: relayOnlyRequested(),
      });
      const publisher = new CameraPublisher(signaling, transport);
      const ended = (reason: string) => {
        if (publisher.stopped) return;
        publisher.stop();
        opts.onEnded(reason);
      };
      signaling.onClose(() => ended('lost the connection to the server'));
      signaling.on('roomClosed', ({ reason }) => ended(`the room was closed (${reason})`));
      signaling.on('kicked', ({ reason }) => ended(reason));
      transport.on('connectionstatechange', (state) => {
        if (state === 'failed') ended('the media connection failed');
      });

      const video = await transport.produce({
        track: opts.video,
        encodings: [{ maxBitrate: opts.maxVideoBitrate }],
        codecOptions: { videoGoogleStartBitrate: 1000 },
        // Keep the track alive when a producer closes: the preview keeps showing it.
        stopTracks: false,
      });
      publisher.producers.set('video', video);
      if (opts.audio) {
        const audio = await transport.produce({ track: opts.audio, stopTracks: false });
        publisher.producers.set('audio', audio);
      }
      publisher.reportTimer = setInterval(() => {
        publisher.reportStats().catch((e: unknown) => console.debug('stats report not sent', e));
      }, 2000);
      return publisher;
    } catch (error) {
      signaling.close();
      throw error;
    }
  }

  /** Swaps a track without re-publishing, so viewers keep their consumers. */
  async replaceTrack(kind: types.MediaKind, track: MediaStreamTrack): Promise<void> {
    await this.producers.get(kind)?.replaceTrack({ track });
  }

  async setStream(stream: StreamInfo): Promise<void> {
    if (!this.stopped) await this.signaling.request('setStream', stream);
  }

  get videoCodec(): string | undefined {
    return this.producers.get('video')?.rtpParameters.codecs[0]?.mimeType;
  }

  /** What the camera sends, for the operator's dashboard. */
  private async reportStats(): Promise<void> {
    const producer = this.producers.get('video');
    if (!producer || this.stopped) return;
    const stats: Record<string, unknown>[] = [];
    (await producer.getStats()).forEach((s: Record<string, unknown>) => stats.push(s));
    const out = stats.find((s) => s.type === 'outbound-rtp');
    const remote = stats.find((s) => s.type === 'remote-inbound-rtp');
    const n = (s: Record<string, unknown> | undefined, k: string) =>
      typeof s?.[k] === 'number' ? s[k] : undefined;
    const bytes = n(out, 'bytesSent') ?? 0;
    const now = performance.now();
    const bitrateBps = this.lastBytes
      ? ((bytes - this.lastBytes.bytes) * 8 * 1000) / (now - this.lastBytes.at)
      : 0;
    this.lastBytes = { bytes, at: now };
    const rtt = n(remote, 'roundTripTime');
    const lost = n(remote, 'fractionLost');
    await this.signaling.request('reportStats', {
      width: n(out, 'frameWidth') ?? 0,
      height: n(out, 'frameHeight') ?? 0,
      fps: n(out, 'framesPerSecond') ?? 0,
      bitrateBps: Math.max(0, Math.round(bitrateBps)),
      ...(rtt !== undefined && { rttMs: Math.round(rtt * 1000) }),
      ...(lost !== undefined && { lossPercent: lost * 100 }),
    });
  }

  private lastBytes: { bytes: number; at: number } | undefined;

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.reportTimer);
    for (const p of this.producers.values()) p.close();
    this.transport.close();
    this.signaling.close();
  }
}
