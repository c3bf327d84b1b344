// Structural schemas for the WebRTC parameters that cross the wire. They mirror mediasoup's and
// mediasoup-client's types closely enough that the inferred types are assignable to both; mediasoup still
// does its own semantic checks (payload types, codec matching) and those failures become `bad_request`.
import { z } from 'zod';

const shortString = z.string().max(256);
// Codec parameters are free-form in SDP (profile-level-id, packetization-mode, ...); the message size cap bounds them.
const codecParameters = z.record(z.string().max(64), z.unknown());

export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

const RtcpFeedback = z.object({ type: shortString, parameter: shortString.optional() });

const RtpCodecCapability = z.object({
  kind: MediaKind,
  mimeType: shortString,
  preferredPayloadType: z.number().int().optional(),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const RtpHeaderExtension = z.object({
  kind: MediaKind,
  uri: shortString,
  preferredId: z.number().int(),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilities = z.object({
  codecs: z.array(RtpCodecCapability).max(128).optional(),
  headerExtensions: z.array(RtpHeaderExtension).max(64).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilities>;

const RtpCodecParameters = z.object({
  mimeType: shortString,
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  parameters: codecParameters.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

const RtpEncodingParameters = z.object({
  ssrc: z.number().int().nonnegative().optional(),
  rid: shortString.optional(),
  codecPayloadType: z.number().int().optional(),
  rtx: z.object({ ssrc: z.number().int().nonnegative() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: shortString.optional(),
  scaleResolutionDownBy: z.number().positive().optional(),
  maxBitrate: z.number().positive().optional(),
});

export const RtpParameters = z.object({
  mid: shortString.optional(),
  codecs: z.array(RtpCodecParameters).min(1).max(32),
  headerExtensions: z
    .array(
      z.object({
        uri: shortString,
        id: z.number().int(),
        encrypt: z.boolean().optional(),
        parameters: codecParameters.optional(),
      }),
    )
    .max(32)
    .optional(),
  encodings: z.array(RtpEncodingParameters).max(8).optional(),
  rtcp: z
    .object({
      cname: shortString.optional(),
      reducedSize: z.boolean().optional(),
      mux: z.boolean().optional(),
    })
    .optional(),
});
export type RtpParameters = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(16), value: shortString }))
    .min(1)
    .max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParameters>;

export const IceParameters = z.object({
  usernameFragment: shortString,
  password: shortString,
  iceLite: z.boolean().optional(),
});
export type IceParameters = z.infer<typeof IceParameters>;

export const IceCandidate = z.object({
  foundation: shortString,
  priority: z.number(),
  ip: shortString,
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int(),
  type: z.literal('host'),
  tcpType: z.literal('passive').optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;
