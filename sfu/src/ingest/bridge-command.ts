// What an ingest's ffmpeg does, decided from what the source sends, and its command line. WebRTC receivers
// take H264 (Constrained Baseline, Main, High) without reordered frames: such a picture is copied as it is,
// anything else (B-frames, High 10, HEVC…) is re-encoded with x264 at zero latency, without B-frames and with
// a keyframe at least every second (ffmpeg cannot answer a viewer's keyframe request). Audio always becomes
// Opus. Output: RTP to the ingest's plain transports, from fixed local ports (a restarted ffmpeg comes from
// the same address, which the transports learnt from the first packets).
import type { SourceAnalysis } from './stream-feed.js';

export interface RtpTarget {
  ip: string;
  rtpPort: number;
  rtcpPort: number;
  /** ffmpeg sends from here (RTP) and the next port (RTCP). */
  localPort: number;
  ssrc: number;
  payloadType: number;
}

export interface BridgePlan {
  /** 'copy' or 're-encode', and why, for the log and the dashboard. */
  video?: { mode: 'copy' | 're-encode'; why: string; profileLevelId: string };
  audio?: true;
}

/** The router's H264 profiles (codecs.ts), by the first byte of profile-level-id (profile_idc). */
const ROUTER_H264: Record<string, string> = { '42': '42e01f', '4d': '4d0033', '64': '640033' };
/**
 * What a re-encode sends: Constrained Baseline, which every WebRTC receiver decodes (Debian's Chromium, for
 * one, takes no High). At x264's ultrafast preset (no CABAC, no B-frames anyway) it costs little over High.
 */
const REENCODED_PROFILE = '42e01f';

export function planBridge(source: SourceAnalysis): BridgePlan {
  const plan: BridgePlan = {};
  const v = source.video;
  if (v) {
    const family = v.profileLevelId?.slice(0, 2).toLowerCase();
    const routerProfile = family === undefined ? undefined : ROUTER_H264[family];
    const copy = (why: string) => ({ mode: 'copy' as const, why, profileLevelId: routerProfile! });
    const reencode = (why: string) => ({
      mode: 're-encode' as const,
      why,
      profileLevelId: REENCODED_PROFILE,
    });
    if (v.codec !== 'h264') plan.video = reencode(`${v.codec} is not forwarded to browsers`);
    else if (!routerProfile)
      plan.video = reencode(`H264 profile ${v.profileLevelId ?? 'unknown'} is not forwarded`);
    else if (v.bframes) plan.video = reencode('the stream has B-frames');
    else plan.video = copy(`H264 ${v.profileLevelId} without B-frames`);
  }
  if (source.audio) plan.audio = true;
  return plan;
}

function rtpUrl(t: RtpTarget): string {
  const q = `localrtpport=${t.localPort}&localrtcpport=${t.localPort + 1}&rtcpport=${t.rtcpPort}&pkt_size=1200`;
  return `rtp://${t.ip}:${t.rtpPort}?${q}`;
}

export interface BridgeCommandOptions {
  format: 'flv' | 'mpegts';
  plan: BridgePlan;
  video?: RtpTarget;
  audio?: RtpTarget;
  /** A re-encode's bitrate. */
  reencodeKbps: number;
}

export function bridgeArgs(o: BridgeCommandOptions): string[] {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'warning'];
  // A live input: read what is there, do not wait to analyse it. FLV starts with the sequence headers (the
  // feed writes them first); TS joined mid-stream has its parameter sets only at the next keyframe, so ffmpeg
  // may read on until one comes (it stops as soon as it has them).
  const probe = o.format === 'flv' ? ['64k', '100000'] : ['8M', '3000000'];
  args.push('-fflags', '+nobuffer+genpts', '-probesize', probe[0]!, '-analyzeduration', probe[1]!);
  args.push('-f', o.format, '-i', 'pipe:0');
  if (o.plan.video && o.video) {
    args.push('-map', '0:v:0');
    if (o.plan.video.mode === 'copy') {
      // In-band SPS/PPS before each keyframe, as RTP receivers need them (FLV keeps them apart).
      args.push('-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb');
    } else {
      const k = o.reencodeKbps;
      args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline');
      args.push('-bf', '0', '-g', '600', '-force_key_frames', 'expr:gte(t,n_forced*1)');
      args.push(
        '-b:v',
        `${k}k`,
        '-maxrate',
        `${k}k`,
        '-bufsize',
        `${Math.round(k / 2)}k`,
        '-pix_fmt',
        'yuv420p',
      );
    }
    args.push('-f', 'rtp', '-ssrc', String(o.video.ssrc), '-payload_type', String(o.video.payloadType));
    args.push(rtpUrl(o.video));
  }
  if (o.plan.audio && o.audio) {
    args.push('-map', '0:a:0', '-c:a', 'libopus', '-ar', '48000', '-ac', '2', '-b:a', '128k');
    args.push('-application', 'lowdelay', '-frame_duration', '20');
    args.push('-f', 'rtp', '-ssrc', String(o.audio.ssrc), '-payload_type', String(o.audio.payloadType));
    args.push(rtpUrl(o.audio));
  }
  return args;
}
