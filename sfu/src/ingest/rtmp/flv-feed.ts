// An RTMP publication as an FLV stream for its bridge. It keeps what a decoder needs to start (metadata, the
// AVC and AAC sequence headers) so that each new ffmpeg (the first, or one restarted after a crash) gets a
// valid FLV from the next keyframe on, while the encoder's connection never notices.
// It also works out what the source is: the AVC profile, and whether frames are reordered (a non-zero
// composition time within the first second of video means B-frames).
import type { Amf0Object } from './amf0.js';
import type { RtmpMessage } from './chunks.js';
import {
  FlvTagType,
  avcProfileLevelId,
  flvHeader,
  flvTag,
  metadataBody,
  readAudioTag,
  readMetadata,
  readVideoTag,
} from './flv.js';
import { MessageType } from './rtmp-connection.js';
import type { SourceAnalysis, StreamFeed } from '../stream-feed.js';

const VIDEO_CODECS: Record<number, string> = { 7: 'h264', 12: 'hevc', 2: 'flv1', 4: 'vp6', 5: 'vp6a' };
const AUDIO_CODECS: Record<number, string> = { 10: 'aac', 2: 'mp3', 11: 'speex', 14: 'mp3', 1: 'adpcm' };

/** How much of the source is looked at before deciding (B-frames show within the first GOP's frames). */
const ANALYSE_VIDEO_MS = 1000;
const ANALYSE_AUDIO_ONLY_MS = 1500;

const num = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? v : undefined);

export class FlvFeed implements StreamFeed {
  readonly format = 'flv';
  readonly analysis: Promise<SourceAnalysis>;
  private settle!: (a: SourceAnalysis) => void;
  private decided: SourceAnalysis | undefined;

  private meta: Amf0Object = {};
  private videoConfig: Buffer | undefined;
  private audioConfig: Buffer | undefined;
  private videoCodec: string | undefined;
  private audioCodec: string | undefined;
  private bframes = false;
  private firstVideoTs: number | undefined;
  private firstAudioTs: number | undefined;

  private sink: ((chunk: Buffer) => void) | undefined;
  /** The sink has had its header and a keyframe: every later tag goes to it. */
  private flowing = false;

  constructor() {
    this.analysis = new Promise((resolve) => (this.settle = resolve));
  }

  /** One of the publication's media messages (audio, video, data). */
  push(msg: RtmpMessage): void {
    if (msg.typeId === MessageType.DataAmf0) {
      const meta = readMetadata(msg.payload);
      if (meta) this.meta = meta;
      return;
    }
    if (msg.typeId === MessageType.Video) this.video(msg);
    else if (msg.typeId === MessageType.Audio) this.audio(msg);
  }

  private video(msg: RtmpMessage): void {
    const tag = readVideoTag(msg.payload);
    if (!tag) return;
    this.videoCodec ??= VIDEO_CODECS[tag.codecId] ?? `flv codec ${tag.codecId}`;
    if (tag.avcPacketType === 0) {
      this.videoConfig = msg.payload;
      return;
    }
    if (tag.compositionTime !== 0) this.bframes = true;
    this.firstVideoTs ??= msg.timestamp;
    if (!this.decided && msg.timestamp - this.firstVideoTs >= ANALYSE_VIDEO_MS) this.decide();
    if (!this.decided && tag.keyframe && this.profile()?.startsWith('42')) this.decide(); // Baseline: no B-frames
    if (this.sink && !this.flowing && tag.keyframe && this.decided) this.start(msg.timestamp);
    if (this.flowing) this.sink?.(flvTag(FlvTagType.video, msg.timestamp, msg.payload));
  }

  private audio(msg: RtmpMessage): void {
    const tag = readAudioTag(msg.payload);
    if (!tag) return;
    this.audioCodec ??= AUDIO_CODECS[tag.soundFormat] ?? `flv sound format ${tag.soundFormat}`;
    if (tag.aacPacketType === 0) {
      this.audioConfig = msg.payload;
      return;
    }
    this.firstAudioTs ??= msg.timestamp;
    const audioOnly = this.videoCodec === undefined;
    if (!this.decided && audioOnly && msg.timestamp - this.firstAudioTs >= ANALYSE_AUDIO_ONLY_MS)
      this.decide();
    // Without video there is no keyframe to wait for: any audio frame is a start.
    if (this.sink && !this.flowing && this.decided && !this.decided.video) this.start(msg.timestamp);
    if (this.flowing) this.sink?.(flvTag(FlvTagType.audio, msg.timestamp, msg.payload));
  }

  private profile(): string | undefined {
    return this.videoConfig && avcProfileLevelId(this.videoConfig);
  }

  private decide(): void {
    const m = this.meta;
    const kbps = (num(m.videodatarate) ?? 0) + (num(m.audiodatarate) ?? 0);
    const profileLevelId = this.profile();
    this.decided = {
      ...(this.videoCodec && {
        video: {
          codec: this.videoCodec,
          ...(profileLevelId && { profileLevelId }),
          bframes: this.bframes,
          ...(num(m.width) && { width: num(m.width) }),
          ...(num(m.height) && { height: num(m.height) }),
          ...(num(m.framerate) && { fps: num(m.framerate) }),
        },
      }),
      ...(this.audioCodec && { audio: { codec: this.audioCodec } }),
      ...(kbps > 0 && { kbps }),
    };
    this.settle(this.decided);
  }

  /** Header, metadata and sequence headers, stamped at the first tag that follows. */
  private start(timestamp: number): void {
    const d = this.decided!;
    const parts = [flvHeader(d.audio !== undefined, d.video !== undefined)];
    parts.push(flvTag(FlvTagType.data, timestamp, metadataBody(this.meta)));
    if (d.video && this.videoConfig) parts.push(flvTag(FlvTagType.video, timestamp, this.videoConfig));
    if (d.audio && this.audioConfig) parts.push(flvTag(FlvTagType.audio, timestamp, this.audioConfig));
    this.sink?.(Buffer.concat(parts));
    this.flowing = true;
  }

  attach(write: (chunk: Buffer) => void): void {
    this.sink = write;
    this.flowing = false;
  }

  detach(): void {
    this.sink = undefined;
    this.flowing = false;
  }
}
