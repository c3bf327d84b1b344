// The camera's side of a broadcast: joins the room as its camera and publishes one video and one audio track,
// and keeps doing so through connection drops, server restarts and media-server crashes (RoomSession): on a
// resume its producers are still there; after a fresh join it publishes again and viewers pick it up.
import type { types } from 'mediasoup-client';
import type {
  AudienceMember,
  CueId,
  Direction,
  EventData,
  IceServer,
  PeerId,
  Result,
  RoomId,
  StreamInfo,
  ProducerId,
  Talkback,
} from '@inclubit/sfu/protocol';
import type { SignalingClient } from '../lib/signaling';
import { createTransport, loadDevice, relayOnlyRequested } from '../lib/mediasoup';
import { RoomSession, type SessionPhase } from '../lib/room-session';
import { PublishedAudio } from './published-audio';
import { TalkbackReceiver, type Voice } from './talkback-receiver';
import { layerBitrate, layerPlan, videoEncodings, type LayerPlan } from './video-layers';
import { readSender, topLayer, type ByteCounts, type LayerStats } from './sender-stats';

export type BroadcastStatus =
  | { state: 'starting' }
  | { state: 'live'; codec: string | undefined; codecs: string[] }
  | { state: 'reconnecting'; message: string }
  | { state: 'error'; message: string };

export interface BroadcastOptions {
  room: RoomId;
  stream: StreamInfo;
  video: MediaStreamTrack;
  audio: MediaStreamTrack | undefined;
  maxVideoBitrate: number;
  /** Send layers (simulcast, or SVC for VP9) so every viewer gets what its network carries; off: one. */
  adaptive: boolean;
  /** Preferred video codec (mimeType, e.g. video/H264); the room's first choice when unset or unavailable. */
  videoCodec: string | undefined;
  onStatus: (status: BroadcastStatus) => void;
  /** The viewers in the room and their talkback state, whenever it changes. */
  onAudience: (viewers: AudienceMember[]) => void;
  /** The room's talkback policy, at join and whenever it changes. */
  onTalkback: (policy: Talkback) => void;
  /** Whether the room is being recorded, at join and whenever it changes (the page shows REC). */
  onRecording: (recording: boolean) => void;
  /** The viewer voices received now (to play, mixed). */
  onVoices: (voices: Voice[]) => void;
  /** What the sender measures, every 2 s while live. */
  onSenderStats: (stats: SenderStats) => void;
  /** Where the viewers look (changes, a few times a second), and the current cue's progress. */
  onGaze?: (gaze: EventData<'gaze'>) => void;
  onCue?: (cue: EventData<'cue'>) => void;
}

export interface SenderStats {
  bitrateBps: number;
  /** The top layer that is sending: what the best-served viewers see. */
  fps: number | undefined;
  width: number | undefined;
  height: number | undefined;
  /** Why the browser sends less than asked: cpu, bandwidth, other, or none. */
  qualityLimitation: string | undefined;
  rttMs: number | undefined;
  /** Every layer, lowest first (one without adaptive quality). */
  layers: LayerStats[];
  plan: LayerPlan;
  /** Layers were asked for and the browser published fewer (its encoder cannot simulcast). */
  layersRefused: boolean;
}

export class CameraBroadcast {
  private readonly producers = new Map<types.MediaKind, types.Producer>();
  private readonly session: RoomSession;
  private transport: types.Transport | undefined;
  private media: { device: types.Device; iceServers: IceServer[] } | undefined;
  private readonly talkback: TalkbackReceiver;
  private reportTimer: ReturnType<typeof setInterval> | undefined;
  private readonly sentBytes: ByteCounts = new Map();
  private adaptive: boolean;
  private plan: LayerPlan = 'single';
  private layersRefused = false;
  private stream: StreamInfo;
  private maxBitrate: number;
  private preferredCodec: string | undefined;
  private tracks: { video: MediaStreamTrack };
  private readonly audio: PublishedAudio;

  constructor(private readonly opts: BroadcastOptions) {
    this.stream = opts.stream;
    this.maxBitrate = opts.maxVideoBitrate;
    this.adaptive = opts.adaptive;
    this.preferredCodec = opts.videoCodec;
    this.tracks = { video: opts.video };
    this.audio = new PublishedAudio(opts.audio, () => ({
      transport: this.transport,
      signaling: this.session.current,
    }));
    this.session = new RoomSession(
      { room: opts.room, role: 'camera' },
      {
        listen: (s) => this.listen(s),
        joined: (s, j) => this.publish(s, j),
        resumed: (s, r) => this.resumed(s, r),
        reset: () => this.reset(),
        phase: (p, m) => this.onPhase(p, m),
      },
    );
    // The voices' receive transport is kept alive across network changes like the send transport.
    this.talkback = new TalkbackReceiver(opts.onVoices, (transport) => this.session.watchIce(transport));
  }

  start(): void {
    this.opts.onStatus({ state: 'starting' });
    this.session.start();
    this.reportTimer = setInterval(() => {
      this.reportStats().catch((e: unknown) => console.debug('stats report not sent', e));
    }, 2000);
  }

  stop(): void {
    clearInterval(this.reportTimer);
    this.session.stop();
    this.reset();
  }

  /** Swaps the picture without re-publishing, so viewers keep their consumers. */
  async replaceVideo(track: MediaStreamTrack): Promise<void> {
    this.tracks.video = track;
    await this.producers.get('video')?.replaceTrack({ track });
  }

  /** The sound to send, or none: what is published follows, also while live (published-audio.ts). */
  setAudio(track: MediaStreamTrack | undefined): Promise<void> {
    return this.audio.set(track);
  }

  async setStream(stream: StreamInfo): Promise<void> {
    this.stream = stream;
    // While disconnected it is sent on the resume or the next publish.
    await this.session.current?.request('setStream', stream);
  }

  /** Who may talk back, and whether viewers hear each other. */
  async setTalkback(policy: Talkback): Promise<void> {
    // Shown at once; the room's answer (talkbackChanged) confirms it.
    this.opts.onTalkback(policy);
    await this.session.current?.request('setTalkback', policy);
  }

  /** Every viewer gets a "look here" cue at `direction`. */
  async lookHere(direction: Direction): Promise<CueId | undefined> {
    return (await this.session.current?.request('lookHere', direction))?.cueId;
  }

  async muteViewer(peerId: PeerId): Promise<void> {
    await this.session.current?.request('muteViewer', { peerId });
  }

  /** Each talking viewer's level (0–1), for the meters. */
  voiceLevels(): Promise<Map<PeerId, number>> {
    return this.talkback.levels();
  }

  private listen(signaling: SignalingClient): void {
    signaling.on('audience', ({ viewers }) => this.opts.onAudience(viewers));
    signaling.on('talkbackChanged', (policy) => this.opts.onTalkback(policy));
    signaling.on('recordingChanged', ({ recording }) => this.opts.onRecording(recording));
    signaling.on('gaze', (gaze) => this.opts.onGaze?.(gaze));
    signaling.on('cue', (cue) => this.opts.onCue?.(cue));
    this.talkback.listen(signaling);
  }

  get videoCodec(): string | undefined {
    return this.producers.get('video')?.rtpParameters.codecs[0]?.mimeType;
  }

  /** Video codecs both this browser and the room can use (known once joined). */
  get videoCodecs(): string[] {
    const codecs = this.media?.device.rtpCapabilities.codecs ?? [];
    return [
      ...new Set(codecs.filter((c) => c.kind === 'video' && !/rtx/i.test(c.mimeType)).map((c) => c.mimeType)),
    ];
  }

  /** Caps the video bitrate on the live sender (each layer in proportion): no new publish, no gap. */
  async setMaxBitrate(bps: number): Promise<void> {
    this.maxBitrate = bps;
    const sender = this.producers.get('video')?.rtpSender;
    if (!sender) return;
    const parameters = sender.getParameters();
    parameters.encodings.forEach((e) => (e.maxBitrate = layerBitrate(bps, e.scaleResolutionDownBy ?? 1)));
    await sender.setParameters(parameters);
  }

  /** Layers on or off: fixed for the life of a producer, so the video is published again. */
  async setAdaptive(on: boolean): Promise<void> {
    if (this.adaptive === on) return;
    this.adaptive = on;
    await this.republishVideo();
  }

  /**
   * Switches the video codec. A codec is fixed for the life of a producer, so this is the one setting that
   * publishes the video again; viewers pick the new track up by themselves (the audio is untouched).
   */
  async setVideoCodec(mimeType: string | undefined): Promise<void> {
    this.preferredCodec = mimeType;
    if (this.producers.get('video')?.rtpParameters.codecs[0]?.mimeType === mimeType) return;
    await this.republishVideo();
  }

  private async republishVideo(): Promise<void> {
    const signaling = this.session.current;
    const old = this.producers.get('video');
    if (!signaling || !this.transport || !this.media || !old) return;
    await signaling.request('closeProducer', { producerId: old.id as ProducerId });
    old.close();
    this.producers.delete('video');
    await this.produceVideo(this.transport, this.media.device);
    this.opts.onStatus({ state: 'live', codec: this.videoCodec, codecs: this.videoCodecs });
  }

  private async produceVideo(transport: types.Transport, device: types.Device): Promise<void> {
    const codec = device.rtpCapabilities.codecs?.find((c) => c.mimeType === this.preferredCodec);
    const mimeType = (codec ?? device.rtpCapabilities.codecs?.find((c) => c.kind === 'video'))?.mimeType;
    this.plan = layerPlan(this.adaptive, mimeType);
    const encodings = videoEncodings(this.plan, this.maxBitrate, scalabilityModes(mimeType));
    const video = await transport.produce({
      track: this.tracks.video,
      encodings,
      codecOptions: { videoGoogleStartBitrate: 1000 },
      ...(codec && { codec }),
      // Keep the track alive when a producer closes: the preview keeps showing it.
      stopTracks: false,
    });
    this.producers.set('video', video);
    // A browser whose encoder cannot simulcast publishes one layer: say so rather than pretend.
    const published = video.rtpSender?.getParameters().encodings.length ?? encodings.length;
    this.layersRefused = published < encodings.length;
    if (this.layersRefused)
      console.warn(`asked for ${encodings.length} layers, the browser sends ${published}`);
  }

  private async publish(signaling: SignalingClient, joined: Result<'join'>): Promise<void> {
    performance.mark('inclubit:joined');
    // Described before any track is live, so viewers map the first frame correctly.
    await signaling.request('setStream', this.stream);
    this.opts.onTalkback(joined.talkback);
    this.opts.onRecording(joined.recording);
    const device = await loadDevice(joined.routerRtpCapabilities);
    this.media = { device, iceServers: joined.iceServers };
    const transport = await createTransport(signaling, device, 'send', {
      iceServers: joined.iceServers,
      relayOnly: relayOnlyRequested(),
    });
    this.transport = transport;
    this.session.watchIce(transport);
    await this.produceVideo(transport, device);
    performance.mark('inclubit:produced-video');
    await this.audio.sync();
    // Viewers who were talking before the camera (re)joined.
    await this.talkback.joined(signaling, this.media, joined.producers);
  }

  /** Back as the same camera: its producers are still there; only the description may have changed. */
  private async resumed(signaling: SignalingClient, resumed: Result<'resume'>): Promise<void> {
    await signaling.request('setStream', this.stream);
    this.opts.onTalkback(resumed.talkback);
    this.opts.onRecording(resumed.recording);
    await this.talkback.resumed(signaling, resumed.producers, resumed.consumerIds);
  }

  private reset(): void {
    this.talkback.reset();
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    this.audio.reset();
    this.transport?.close();
    this.transport = undefined;
    this.sentBytes.clear();
  }

  private onPhase(phase: SessionPhase, message?: string): void {
    if (phase === 'connected')
      return this.opts.onStatus({ state: 'live', codec: this.videoCodec, codecs: this.videoCodecs });
    if (phase === 'connecting') return this.opts.onStatus({ state: 'starting' });
    if (phase === 'reconnecting')
      return this.opts.onStatus({ state: 'reconnecting', message: message ?? 'reconnecting' });
    clearInterval(this.reportTimer);
    this.opts.onStatus({ state: 'error', message: `Broadcast ended: ${message ?? phase}` });
  }

  /** What the camera sends, for its own page and the operator's dashboard. */
  private async reportStats(): Promise<void> {
    const producer = this.producers.get('video');
    const signaling = this.session.current;
    if (!producer || producer.closed || !signaling) return;
    const stats: Record<string, unknown>[] = [];
    (await producer.getStats()).forEach((s: Record<string, unknown>) => stats.push(s));
    const reading = readSender(stats, this.sentBytes, performance.now());
    const top = topLayer(reading);
    const limited = reading.layers.find((l) => l.qualityLimitation && l.qualityLimitation !== 'none');
    this.opts.onSenderStats({
      bitrateBps: reading.bitrateBps,
      fps: top?.fps,
      width: top?.width,
      height: top?.height,
      qualityLimitation: limited?.qualityLimitation ?? top?.qualityLimitation,
      rttMs: reading.rttMs,
      layers: reading.layers,
      plan: this.plan,
      layersRefused: this.layersRefused,
    });
    // The server sizes each viewer's layers from the top layer's width: the captured width, not what a
    // narrow uplink lets through now.
    const captured = this.tracks.video.getSettings();
    await signaling.request('reportStats', {
      width: captured.width ?? top?.width ?? 0,
      height: captured.height ?? top?.height ?? 0,
      fps: top?.fps ?? 0,
      bitrateBps: reading.bitrateBps,
      ...(reading.rttMs !== undefined && { rttMs: reading.rttMs }),
      ...(reading.lossPercent !== undefined && { lossPercent: reading.lossPercent }),
      ...(reading.layers.length > 1 && {
        layers: reading.layers.map((l) => ({
          width: l.width ?? 0,
          height: l.height ?? 0,
          fps: l.fps ?? 0,
          bitrateBps: l.bitrateBps,
          sending: l.sending,
        })),
      }),
    });
  }
}

/** The scalability modes this browser's encoder offers for a codec (none known: an empty list). */
function scalabilityModes(mimeType: string | undefined): string[] {
  const codecs = (RTCRtpSender.getCapabilities?.('video')?.codecs ?? []) as (RTCRtpCodec & {
    scalabilityModes?: string[];
  })[];
  return codecs.find((c) => c.mimeType.toLowerCase() === mimeType?.toLowerCase())?.scalabilityModes ?? [];
}
