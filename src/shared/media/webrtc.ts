import { z } from 'zod';

/**
 * Signalling between a window's WebRTC tile player (mediasoup-client) and the backend's SFU (mediasoup), through the
 * host. The shapes are mediasoup's; each is checked here for the fields the two ends rely on, and passed on whole
 * (mediasoup and mediasoup-client validate the rest with their own ORTC checks before using them).
 */

const RtpCodecCapabilitySchema = z.looseObject({
  kind: z.enum(['audio', 'video']),
  mimeType: z.string().max(100),
  clockRate: z.number().int().positive(),
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(RtpCodecCapabilitySchema).max(100).optional(),
  headerExtensions: z.array(z.looseObject({ uri: z.string().max(300), preferredId: z.number().int() })).max(100).optional(),
});
export type RtpCapabilitiesPayload = z.infer<typeof RtpCapabilitiesSchema>;

const DtlsFingerprintSchema = z.object({ algorithm: z.string().max(20), value: z.string().max(200) });
export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(DtlsFingerprintSchema).min(1).max(10),
});
export type DtlsParametersPayload = z.infer<typeof DtlsParametersSchema>;

const IceCandidateSchema = z.looseObject({
  foundation: z.string().max(100),
  priority: z.number(),
  address: z.string().max(253),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int().min(1).max(65535),
  type: z.string().max(20),
});

/** What a window needs to open its receiving transport and consume one camera's stream on it. */
export const SfuSessionSchema = z.object({
  sessionId: z.string().min(1).max(100),
  transport: z.object({
    id: z.string().min(1).max(100),
    iceParameters: z.looseObject({ usernameFragment: z.string().max(200), password: z.string().max(200), iceLite: z.boolean().optional() }),
    iceCandidates: z.array(IceCandidateSchema).max(20),
    dtlsParameters: DtlsParametersSchema,
  }),
  consumer: z.object({
    id: z.string().min(1).max(100),
    producerId: z.string().min(1).max(100),
    kind: z.literal('video'),
    rtpParameters: z.looseObject({
      codecs: z.array(z.looseObject({ mimeType: z.string().max(100), payloadType: z.number().int(), clockRate: z.number().int() })).min(1).max(10),
      encodings: z.array(z.looseObject({})).max(10).optional(),
    }),
  }),
});
export type SfuSession = z.infer<typeof SfuSessionSchema>;

export const SfuStreamIdSchema = z.string().regex(/^[\w-]{1,64}$/);
export const SfuSessionIdSchema = z.string().min(1).max(100);

export const SfuOpenRequestSchema = z.object({ streamId: SfuStreamIdSchema, rtpCapabilities: RtpCapabilitiesSchema }).strict();
export type SfuOpenRequest = z.infer<typeof SfuOpenRequestSchema>;
export const SfuConnectRequestSchema = z.object({ sessionId: SfuSessionIdSchema, dtlsParameters: DtlsParametersSchema }).strict();
export type SfuConnectRequest = z.infer<typeof SfuConnectRequestSchema>;
export const SfuCloseRequestSchema = z.object({ sessionId: SfuSessionIdSchema }).strict();
export type SfuCloseRequest = z.infer<typeof SfuCloseRequestSchema>;
