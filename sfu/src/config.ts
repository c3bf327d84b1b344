// Every environment variable the service reads, typed and validated in one place.
// Defaults are the embedded mode: one process on localhost, no secrets, nothing to configure.
// NODE_ENV=production (set by the Docker image) turns on the checks for a real deployment: every secret set,
// none left at an example or well-known value.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { productionProblems } from './config-safety.js';
import { lanAddresses, type Interfaces } from './lan/addresses.js';
import type { TurnOptions } from './auth/turn.js';

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

export const schema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).optional(),
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
  RESUME_GRACE_MS: z.coerce.number().int().min(0).default(20_000),
  DASHBOARD_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  // A WHIP (or WHEP) session whose ICE has not connected, or has been disconnected, this long is ended.
  INGEST_ICE_TIMEOUT_MS: positiveInt.default(15_000),
  // RTMP ingest (rtmp://HOST:RTMP_PORT/live/<room>/<key>): a port (0: any free one), or off.
  RTMP_PORT: z.union([z.literal('off'), port]).default(1935),
  // Where RTMP (and SRT) ingest listen; empty: the same address as HTTP (HOST).
  INGEST_HOST: z.string().min(1).optional(),
  // SRT ingest (srt://HOST:SRT_PORT?streamid=<room>:<key>), UDP: a port (0: any free one), or off.
  SRT_PORT: z.union([z.literal('off'), port]).default(8890),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  SRT_LIVE_TRANSMIT_PATH: z.string().min(1).default('srt-live-transmit'),
  // The bitrate of a picture the ingest bridge re-encodes (a source with B-frames or not in H264), kbit/s.
  INGEST_REENCODE_KBPS: z.coerce.number().int().min(200).max(100_000).default(8000),
  // Recordings (README "Recording"): where the files go (empty: DATA_DIR/recordings), how much they may take,
  // and the tool that writes their 360 metadata (Debian's mkvtoolnix).
  RECORDINGS_DIR: z.string().min(1).optional(),
  RECORDINGS_QUOTA_GB: z.coerce.number().positive().max(1_000_000).default(50),
  MKVPROPEDIT_PATH: z.string().min(1).default('mkvpropedit'),
  ALLOWED_ORIGINS: list.optional(),
  // Names (besides PUBLIC_URL's, localhost and this machine's addresses) that requests may carry as Host.
  ALLOWED_HOSTS: list.optional(),
  // Classroom mode (also `npm start -- --lan`): HTTPS on the LAN address(es), a local certificate.
  LAN: z.stringbool().default(false),
  // The LAN addresses to serve in classroom mode; found from the network interfaces when not set.
  LAN_ADDRESSES: list.pipe(z.array(ip).min(1)).optional(),
  // Proxies whose X-Forwarded-For is believed (Fastify trustProxy: addresses, CIDRs or 'loopback').
  TRUST_PROXY: z.string().min(1).optional(),

  TOKEN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)')
    .optional(),
  ROOM_ACCESS: z.enum(['open', 'protected']).default('open'),
  ROOM_MAX_VIEWERS: positiveInt.default(200),
  KEYFRAME_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  ROOM_VIEWERS_PER_WORKER: positiveInt.default(100),
  // A camera whose video sends nothing this long (while connected) is shown to viewers as stalled; 0: never.
  CAMERA_STALL_MS: z.coerce.number().int().min(0).default(2000),
  LINK_TOKEN_TTL_S: positiveInt.default(30 * 24 * 3600),
  OPERATOR_TOKEN_TTL_S: positiveInt.default(3600),
  OPERATOR_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
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

  // Several nodes sharing rooms (README "Several servers"): set on every node; unset, the node is alone.
  CLUSTER_REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'expected redis://[:password@]host:port or rediss://…' })
    .optional(),
  // This node's name in the cluster (dashboard, logs); unique per node.
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dots, dashes or underscores (1-64)')
    .optional(),
  // Where pages reach this node (its own origin); PUBLIC_URL or http://HOST:PORT when not set.
  NODE_URL: z.url().optional(),
  // Viewers this node serves before it sends new ones to a less loaded node.
  NODE_MAX_VIEWERS: positiveInt.default(1000),
  // Where pipes from other nodes arrive (this node's address on the network between nodes), and the address
  // the other nodes are told when it differs (NAT). Default: RTC_LISTEN_IP and RTC_ANNOUNCED_IP.
  CLUSTER_PIPE_IP: ip.optional(),
  CLUSTER_PIPE_ANNOUNCED_IP: z.string().min(1).optional(),
  CLUSTER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(10_000).default(1000),
  // The UDP ports pipes from other nodes arrive on (one per room and node), "min-max": open them between nodes.
  CLUSTER_PIPE_PORTS: z
    .string()
    .regex(/^\d+-\d+$/, 'expected min-max, e.g. 41000-41999')
    .transform((v) => {
      const [min, max] = v.split('-').map(Number) as [number, number];
      return { min, max };
    })
    .refine((r) => r.min >= 1024 && r.max <= 65535 && r.min <= r.max, 'expected 1024 <= min <= max <= 65535')
    .default({ min: 41000, max: 41999 }),
});

const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1']);
const unspecifiedAddresses = new Set(['0.0.0.0', '::']);

export interface Config {
  /** NODE_ENV=production: secrets required and checked (see productionProblems). */
  production: boolean;
  http: {
    port: number;
    host: string;
    publicUrl: string | undefined;
    trustProxy: string | undefined;
    /** Host names requests may name besides localhost and this machine's own addresses (DNS rebinding). */
    allowedHosts: string[];
  };
  /** Classroom mode: HTTPS with a local certificate on these LAN addresses, which WebRTC announces too. */
  lan: { addresses: string[] } | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  mediasoup: {
    workers: number;
    workerBin: string | undefined;
    logLevel: z.infer<typeof schema>['MEDIASOUP_LOG_LEVEL'];
    /** Worker i listens on rtcPort + i (one WebRtcServer per worker, UDP and TCP on the same port). */
    rtcPort: number;
    /** Where the WebRTC ports listen, each with the address browsers are told (when it differs). */
    listen: { ip: string; announcedIp?: string | undefined }[];
  };
  webDistDir: string;
  rooms: {
    emptyCloseMs: number;
    access: 'open' | 'protected';
    maxViewers: number;
    keyFrameMinIntervalMs: number;
    /** A room's viewers one worker takes before the room spreads to the next worker. */
    viewersPerWorker: number;
    /** A connected camera's video silent this long counts as stalled (viewers wait); 0 = not watched. */
    cameraStallMs: number;
  };
  signaling: {
    maxMessageBytes: number;
    ratePerSecond: number;
    rateBurst: number;
    joinTimeoutMs: number;
    /** A dropped connection's peer keeps its media this long, waiting for `resume`. */
    resumeGraceMs: number;
    /** Origins allowed to open /ws; undefined = the page's own origin only. */
    allowedOrigins: string[] | undefined;
    /** How often operators' dashboards get their changes. */
    dashboardIntervalMs: number;
  };
  auth: {
    /** undefined = embedded mode: a random per-process secret, and a camera needs no token. */
    tokenSecret: string | undefined;
    linkTokenTtlS: number;
    operatorTokenTtlS: number;
    /** Plain password from the environment; hashed at start-up and never logged. */
    operatorPassword: string | undefined;
    operatorPasswordHash: string | undefined;
    dataDir: string;
  };
  /** coturn (TURN_SECRET and TURN_HOST set); undefined without TURN. */
  turn: TurnOptions | undefined;
  ingest: {
    /** A WHIP/WHEP session that has no ICE connection this long (never had, or lost it) is ended. */
    iceTimeoutMs: number;
    /** RTMP's port (0: any free one); undefined: no RTMP ingest. */
    rtmpPort: number | undefined;
    /** SRT's UDP port (0: any free one); undefined: no SRT ingest. */
    srtPort: number | undefined;
    /** The address RTMP and SRT listen on. */
    host: string;
    ffmpeg: string;
    ffprobe: string;
    srtLiveTransmit: string;
    reencodeKbps: number;
  };
  recordings: {
    dir: string;
    quotaBytes: number;
    ffmpeg: string;
    mkvpropedit: string;
  };
  /** Several nodes sharing rooms through Redis; undefined: this node is alone (no Redis at all). */
  cluster: ClusterOptions | undefined;
  /** Single process on a loopback address without a token secret: the frictionless local default. */
  embedded: boolean;
}

export interface ClusterOptions {
  redisUrl: string;
  nodeId: string;
  /** Where pages reach this node. */
  nodeUrl: string;
  maxViewers: number;
  /** Where pipes from other nodes arrive, and the address they are told. */
  pipe: { ip: string; announcedIp?: string };
  heartbeatMs: number;
  /** The UDP ports pipes from other nodes arrive on. */
  pipePorts: { min: number; max: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadOptions {
  /** Command-line arguments after `node main.js` (`npm start -- --lan`). */
  argv?: string[];
  /** The network interfaces, for finding LAN addresses (tests pass their own). */
  interfaces?: Interfaces;
}

const options = new Set(['--lan']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env, load: LoadOptions = {}): Config {
  const unknown = (load.argv ?? []).filter((a) => !options.has(a));
  if (unknown.length)
    throw new ConfigError(`unknown option ${unknown.join(' ')} (the only option is --lan: classroom mode)`);
  // Empty strings (as left by `VAR=` in an .env file) mean "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  if (load.argv?.includes('--lan')) given.LAN = 'true';
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const lan = e.LAN ? { addresses: e.LAN_ADDRESSES ?? lanAddresses(load.interfaces) } : undefined;
  if (lan && lan.addresses.length === 0)
    problems.push(
      '  --lan: this machine has no LAN address (no IPv4 address outside loopback and container bridges): ' +
        'join the classroom network first, or name the address with LAN_ADDRESSES',
    );
  // Classroom mode listens on every interface unless told otherwise; its token secret is kept in DATA_DIR.
  const host = lan && !given.HOST ? '0.0.0.0' : e.HOST;
  const embedded = !production && !lan && !e.TOKEN_SECRET && loopbackHosts.has(host);
  if (!e.TOKEN_SECRET && !embedded && !production && !lan)
    problems.push(`  TOKEN_SECRET: required when HOST (${e.HOST}) is not a loopback address`);
  if (e.TURN_SECRET && !e.TURN_HOST)
    problems.push('  TURN_HOST: required with TURN_SECRET (the address browsers reach coturn at)');
  if (unspecifiedAddresses.has(e.RTC_LISTEN_IP) && !e.RTC_ANNOUNCED_IP && !lan)
    problems.push(
      `  RTC_ANNOUNCED_IP: required when RTC_LISTEN_IP is ${e.RTC_LISTEN_IP} (browsers need the server's public address; PUBLIC_IP in compose)`,
    );
  if (e.CLUSTER_REDIS_URL && redisNeedsPassword(e.CLUSTER_REDIS_URL))
    problems.push(
      '  CLUSTER_REDIS_URL: a Redis off this machine needs a password (redis://:PASSWORD@host:6379); see README "Several servers"',
    );
  // Everything wrong is named at once, so one edit of .env fixes it.
  const unsafe = production ? productionProblems(e) : [];
  if (problems.length || unsafe.length) {
    const parts = [];
    if (problems.length) parts.push(`invalid configuration:\n${problems.join('\n')}`);
    if (unsafe.length)
      parts.push(
        `refusing to start: unsafe production configuration (NODE_ENV=production):\n${unsafe.join('\n')}`,
      );
    throw new ConfigError(parts.join('\n'));
  }
  return {
    production,
    http: {
      port: e.PORT,
      host,
      publicUrl: e.PUBLIC_URL,
      trustProxy: e.TRUST_PROXY,
      allowedHosts: allowedHosts(e, host),
    },
    lan,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    mediasoup: {
      workers: e.MEDIASOUP_WORKERS,
      workerBin: e.MEDIASOUP_WORKER_BIN,
      logLevel: e.MEDIASOUP_LOG_LEVEL,
      rtcPort: e.RTC_PORT,
      // Classroom mode: one listening address per LAN address, each announced as itself.
      listen:
        lan && !given.RTC_LISTEN_IP
          ? lan.addresses.map((ip) => ({ ip }))
          : [{ ip: e.RTC_LISTEN_IP, announcedIp: e.RTC_ANNOUNCED_IP }],
    },
    webDistDir: e.WEB_DIST_DIR,
    rooms: {
      emptyCloseMs: e.ROOM_EMPTY_CLOSE_MS,
      access: e.ROOM_ACCESS,
      maxViewers: e.ROOM_MAX_VIEWERS,
      keyFrameMinIntervalMs: e.KEYFRAME_MIN_INTERVAL_MS,
      viewersPerWorker: e.ROOM_VIEWERS_PER_WORKER,
      cameraStallMs: e.CAMERA_STALL_MS,
    },
    signaling: {
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      rateBurst: e.WS_RATE_BURST,
      joinTimeoutMs: e.JOIN_TIMEOUT_MS,
      resumeGraceMs: e.RESUME_GRACE_MS,
      allowedOrigins: e.ALLOWED_ORIGINS,
      dashboardIntervalMs: e.DASHBOARD_INTERVAL_MS,
    },
    auth: {
      tokenSecret: e.TOKEN_SECRET,
      linkTokenTtlS: e.LINK_TOKEN_TTL_S,
      operatorTokenTtlS: e.OPERATOR_TOKEN_TTL_S,
      operatorPassword: e.OPERATOR_PASSWORD,
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
    ingest: {
      iceTimeoutMs: e.INGEST_ICE_TIMEOUT_MS,
      rtmpPort: e.RTMP_PORT === 'off' ? undefined : e.RTMP_PORT,
      srtPort: e.SRT_PORT === 'off' ? undefined : e.SRT_PORT,
      host: e.INGEST_HOST ?? host,
      ffmpeg: e.FFMPEG_PATH,
      ffprobe: e.FFPROBE_PATH,
      srtLiveTransmit: e.SRT_LIVE_TRANSMIT_PATH,
      reencodeKbps: e.INGEST_REENCODE_KBPS,
    },
    recordings: {
      dir: e.RECORDINGS_DIR ?? path.join(e.DATA_DIR, 'recordings'),
      quotaBytes: Math.round(e.RECORDINGS_QUOTA_GB * 2 ** 30),
      ffmpeg: e.FFMPEG_PATH,
      mkvpropedit: e.MKVPROPEDIT_PATH,
    },
    cluster: e.CLUSTER_REDIS_URL
      ? {
          redisUrl: e.CLUSTER_REDIS_URL,
          nodeId: e.NODE_ID ?? `${os.hostname()}-${e.PORT}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64),
          nodeUrl: e.NODE_URL ?? e.PUBLIC_URL ?? `http://${host}:${e.PORT}`,
          maxViewers: e.NODE_MAX_VIEWERS,
          pipe: {
            ip: e.CLUSTER_PIPE_IP ?? e.RTC_LISTEN_IP,
            ...((e.CLUSTER_PIPE_ANNOUNCED_IP ?? e.RTC_ANNOUNCED_IP) && {
              announcedIp: e.CLUSTER_PIPE_ANNOUNCED_IP ?? e.RTC_ANNOUNCED_IP,
            }),
          },
          heartbeatMs: e.CLUSTER_HEARTBEAT_MS,
          pipePorts: e.CLUSTER_PIPE_PORTS,
        }
      : undefined,
    embedded,
  };
}

/** A Redis reached over a network, with no password in its URL. */
function redisNeedsPassword(url: string): boolean {
  const u = new URL(url);
  return !u.password && !loopbackHosts.has(u.hostname.replace(/^\[|\]$/g, ''));
}

/** The host names of every address the service is configured to be reached at. */
function allowedHosts(e: z.infer<typeof schema>, host: string): string[] {
  const names = new Set<string>(e.ALLOWED_HOSTS?.map((h) => h.toLowerCase()));
  for (const url of [e.PUBLIC_URL, ...(e.ALLOWED_ORIGINS ?? [])]) {
    if (!url) continue;
    try {
      names.add(new URL(url).hostname.toLowerCase());
    } catch {
      // ALLOWED_ORIGINS holds origins; a malformed one simply allows nothing
    }
  }
  if (!unspecifiedAddresses.has(host)) names.add(host.toLowerCase());
  return [...names];
}
