// Starts the real service (real mediasoup workers) on a free port for integration tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../config.js';
import { buildServer, type BuildOptions, type Service } from '../server.js';
import { dumpRoom, type RouterObjects } from '../observe/room-summary.js';
import type { RoomId } from '../protocol/index.js';

export interface TestService extends Service {
  wsUrl: string;
  httpUrl: string;
  config: Config;
}

export async function startTestService(
  env: Record<string, string> = {},
  build: BuildOptions = {},
): Promise<TestService> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    RTC_PORT: '0',
    RTMP_PORT: '0',
    SRT_PORT: '0',
    MEDIASOUP_WORKERS: '1',
    ROOM_EMPTY_CLOSE_MS: '0',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    WEB_DIST_DIR: '/nonexistent',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-test-')),
    ...env,
  });
  const service = await buildServer(config, build);
  const httpUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...service, config, httpUrl, wsUrl: `${httpUrl.replace('http', 'ws')}/ws` };
}

/** mediasoup's dump of a room's routers (transports, producers, consumers); undefined once it closed. */
export async function roomObjects(service: Service, room: RoomId): Promise<RouterObjects | undefined> {
  const r = service.rooms.get(room);
  return r ? dumpRoom(r) : undefined;
}
