// Every environment variable the service reads, typed and validated in one place.
// Defaults are the embedded mode: one process on localhost, no secrets, nothing to configure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);
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
});

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
  rooms: { emptyCloseMs: number };
  signaling: { maxMessageBytes: number };
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
    rooms: { emptyCloseMs: e.ROOM_EMPTY_CLOSE_MS },
    signaling: { maxMessageBytes: e.WS_MAX_MESSAGE_BYTES },
  };
}
