// What every room's router can forward. H264 first: 360 cameras (THETA, Insta360) encode it in hardware and
// headsets decode it in hardware; VP8/VP9 for browsers without H264; Opus for sound.
import type { types } from 'mediasoup';

export const mediaCodecs: types.RtpCodecCapability[] = [
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    // Main profile: what many hardware encoders send.
    parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0033', 'level-asymmetry-allowed': 1 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    // High profile (OBS, Insta360, broadcast encoders), level 5.1: what 3840×1920@30 needs.
    parameters: { 'packetization-mode': 1, 'profile-level-id': '640033', 'level-asymmetry-allowed': 1 },
  },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
];
