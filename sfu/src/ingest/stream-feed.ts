// What an RTMP or SRT ingest hands its bridge: a byte stream ffmpeg reads on stdin, which the service keeps
// hold of while the bridge comes and goes. `attach` starts a clean copy for a new ffmpeg (one that can begin
// decoding at once); the analysis says what the source sends, which decides copy or re-encode.

export interface VideoAnalysis {
  /** 'h264', or the name of what else the source sends (it is re-encoded). */
  codec: string;
  /** The H264 profile-level-id ("640028"), when known. */
  profileLevelId?: string;
  /** Frames are reordered (B-frames): WebRTC receivers cannot take them, so the picture is re-encoded. */
  bframes: boolean;
  width?: number;
  height?: number;
  fps?: number;
}

export interface SourceAnalysis {
  video?: VideoAnalysis;
  /** The source's audio codec ("aac", "mp3"…): always made Opus. */
  audio?: { codec: string };
  /** The source's own bitrate in kbit/s, when it says (metadata). */
  kbps?: number;
}

export interface StreamFeed {
  /** What ffmpeg is told the input is (-f). */
  readonly format: 'flv' | 'mpegts';
  /** Resolves once enough of the source has arrived to know what it is. */
  readonly analysis: Promise<SourceAnalysis>;
  /** Starts writing a stream a fresh ffmpeg can decode from its first bytes; replaces any earlier sink. */
  attach(write: (chunk: Buffer) => void): void;
  detach(): void;
}
