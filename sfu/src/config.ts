// Every environment variable the service reads, typed and validated in one place.
// Defaults are the embedded mode: one process on localhost, no secrets, nothing to configure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const ip = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('localhost'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default(process.stdout.isTTY ? 'pretty' : 'json'),
  PUBLIC_URL: z.url().optional(),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  RTC_LISTEN_IP: ip.default('127.0.0.1'),
  RTC_ANNOUNCED_IP: z.string().min(1).optional(),
  RTC_PORT: port.default(40000),
  // mediasoup reads this itself when it loads; checked here so a wrong path fails with its name.
  MEDIASOUP_WORKER_BIN: z
    .string()
    .refine((p) => fs.existsSync(p), 'no such file')
    .optional(),
  WEB_DIST_DIR: z.string().min(1).default(path.resolve(here, '../../web/dist')),
  ROOM_EMPTY_CLOSE_MS: z.coerce.number().int().min(0).default(5000),
  WS_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  WS_RATE_PER_SECOND: positiveInt.default(20),
  WS_RATE_BURST: positiveInt.default(60),
  JOIN_TIMEOUT_MS: positiveInt.default(10_000),
  ALLOWED_ORIGINS: list.optional(),

  TOKEN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)')
    .optional(),
  ROOM_ACCESS: z.enum(['open', 'protected']).default('open'),
  ROOM_MAX_VIEWERS: positiveInt.default(200),
  LINK_TOKEN_TTL_S: positiveInt.default(30 * 24 * 3600),
  OPERATOR_TOKEN_TTL_S: positiveInt.default(3600),
  OPERATOR_PASSWORD_HASH: z
    .string()
    .regex(/^scrypt\$/, 'must be a hash from `npm run hash-password -w sfu`')
    .optional(),
  DATA_DIR: z.string().min(1).default(path.resolve(here, '../../.data')),

  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_HOST: z.string().min(1).optional(),
  TURN_UDP_PORT: port.default(3478),
  TURN_TLS_PORT: port.default(5349),
  TURN_TRANSPORTS: list.pipe(z.array(z.enum(['udp', 'tcp', 'tls'])).min(1)).default(['udp', 'tcp', 'tls']),
  TURN_CREDENTIAL_TTL_S: positiveInt.default(6 * 3600),
});

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1']);

export interface Config {
  http: { port: number; host: string; publicUrl: string | undefined };
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  mediasoup: {
    workers: number;
    workerBin: string | undefined;
    logLevel: z.infer<typeof schema>['MEDIASOUP_LOG_LEVEL'];
    /** Worker i listens on rtcPort + i (one WebRtcServer per worker, UDP and TCP on the same port). */
    rtcPort: number;
    listenIp: string;
    announcedIp: string | undefined;
  };
  webDistDir: string;
  rooms: { emptyCloseMs: number; access: 'open' | 'protected'; maxViewers: number };
  signaling: {
    maxMessageBytes: number;
    ratePerSecond: number;
    rateBurst: number;
    joinTimeoutMs: number;
    /** Origins allowed to open /ws; undefined = the page's own origin only. */
    allowedOrigins: string[] | undefined;
  };
  auth: {
    /** undefined = embedded mode: a random per-process secret, and a camera needs no token. */
    tokenSecret: string | undefined;
    linkTokenTtlS: number;
    operatorTokenTtlS: number;
    operatorPasswordHash: string | undefined;
    dataDir: string;
  };
  turn:
    | {
        secret: string;
        host: string;
        udpPort: number;
        tlsPort: number;
        transports: ('udp' | 'tcp' | 'tls')[];
        credentialTtlS: number;
      }
    | undefined;
  /** Single process on a loopback address without a token secret: the frictionless local default. */
  embedded: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings (as left by `VAR=` in an .env file) mean "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const embedded = !e.TOKEN_SECRET && loopbackHosts.has(e.HOST);
  const problems: string[] = [];
  if (!e.TOKEN_SECRET && !embedded)
    problems.push(`  TOKEN_SECRET: required when HOST (${e.HOST}) is not a loopback address`);
  if (e.TURN_SECRET && !e.TURN_HOST)
    problems.push('  TURN_HOST: required with TURN_SECRET (the address browsers reach coturn at)');
  if (problems.length) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return {
    http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    mediasoup: {
      workers: e.MEDIASOUP_WORKERS,
      workerBin: e.MEDIASOUP_WORKER_BIN,
      logLevel: e.MEDIASOUP_LOG_LEVEL,
      rtcPort: e.RTC_PORT,
      listenIp: e.RTC_LISTEN_IP,
      announcedIp: e.RTC_ANNOUNCED_IP,
    },
    webDistDir: e.WEB_DIST_DIR,
    rooms: { emptyCloseMs: e.ROOM_EMPTY_CLOSE_MS, access: e.ROOM_ACCESS, maxViewers: e.ROOM_MAX_VIEWERS },
    signaling: {
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      rateBurst: e.WS_RATE_BURST,
      joinTimeoutMs: e.JOIN_TIMEOUT_MS,
      allowedOrigins: e.ALLOWED_ORIGINS,
    },
    auth: {
      tokenSecret: e.TOKEN_SECRET,
      linkTokenTtlS: e.LINK_TOKEN_TTL_S,
      operatorTokenTtlS: e.OPERATOR_TOKEN_TTL_S,
      operatorPasswordHash: e.OPERATOR_PASSWORD_HASH,
      dataDir: e.DATA_DIR,
    },
    turn:
      e.TURN_SECRET && e.TURN_HOST
        ? {
            secret: e.TURN_SECRET,
            host: e.TURN_HOST,
            udpPort: e.TURN_UDP_PORT,
            tlsPort: e.TURN_TLS_PORT,
            transports: e.TURN_TRANSPORTS,
            credentialTtlS: e.TURN_CREDENTIAL_TTL_S,
          }
        : undefined,
    embedded,
  };
}
