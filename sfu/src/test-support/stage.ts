// The usual stage of an SFU integration test: the real service started before each test, connections made
// through it, and everything closed after the test whatever happened; plus the two peers most tests need,
// a live camera and a watching viewer, driven over real signaling.
import { afterEach, beforeEach } from 'vitest';
import type { ConsumerId, ProducerId, Result, RoomId } from '../protocol/index.js';
import type { Grant } from '../auth/tokens.js';
import { cameraAudio, cameraVideo, clientDtls } from './media.js';
import { startTestService, type TestService } from './service.js';
import { TestClient } from './ws-client.js';

export interface Stage {
  /** The service of the running test. */
  readonly service: TestService;
  /**
   * A new connection, closed after the test: with a token made for `grant` (or this `token` as it is), and
   * extra upgrade headers.
   */
  connect(opts?: { grant?: Grant; token?: string; headers?: Record<string, string> }): Promise<TestClient>;
  /** This test needs other settings: the service is started again with `env` added. */
  restart(env: Record<string, string>): Promise<TestService>;
}

/** Call at the top of a test file: each test gets a fresh service with `env`. */
export function stagePerTest(env: Record<string, string> = {}): Stage {
  let current: TestService | undefined;
  const clients: TestClient[] = [];
  beforeEach(async () => {
    current = await startTestService(env);
  });
  afterEach(async () => {
    // Every connection closed first: a protocol violation any of them saw fails the test here.
    const closing = await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await current?.app.close();
    current = undefined;
    const failed = closing.find((r) => r.status === 'rejected');
    if (failed?.status === 'rejected') throw failed.reason;
  });
  const stage: Stage = {
    get service() {
      if (!current) throw new Error('no service: use the stage inside a test');
      return current;
    },
    async connect({ grant, token: given, headers } = {}) {
      const service = stage.service;
      const token = grant ? (await service.tokens.issue(grant, 600)).token : given;
      const c = await TestClient.connect(token ? `${service.wsUrl}?token=${token}` : service.wsUrl, headers);
      clients.push(c);
      return c;
    },
    async restart(more) {
      await current?.app.close();
      current = await startTestService({ ...env, ...more });
      return current;
    },
  };
  return stage;
}

export interface LiveCamera {
  joined: Result<'join'>;
  transportId: Result<'createTransport'>['transportId'];
  video: ProducerId;
  audio: ProducerId | undefined;
}

/** `c` joins `room` as its camera and publishes video (and audio unless told not to). */
export async function liveCamera(
  c: TestClient,
  room: RoomId,
  { audio = true, connect = false }: { audio?: boolean; connect?: boolean } = {},
): Promise<LiveCamera> {
  const joined = await c.request('join', { room, role: 'camera' });
  const { transportId } = await c.request('createTransport', { direction: 'send' });
  if (connect) await c.request('connectTransport', { transportId, dtlsParameters: clientDtls });
  const video = await c.request('produce', { transportId, kind: 'video', rtpParameters: cameraVideo });
  const sound = audio
    ? await c.request('produce', { transportId, kind: 'audio', rtpParameters: cameraAudio })
    : undefined;
  return { joined, transportId, video: video.producerId, audio: sound?.producerId };
}

export interface WatchingViewer {
  joined: Result<'join'>;
  transportId: Result<'createTransport'>['transportId'];
  consumerIds: ConsumerId[];
}

/** `c` joins `room` as a viewer, makes its receive transport and consumes what the room offers it. */
export async function watchingViewer(
  c: TestClient,
  room: RoomId,
  { displayName }: { displayName?: string } = {},
): Promise<WatchingViewer> {
  const joined = await c.request('join', { room, role: 'viewer', ...(displayName && { displayName }) });
  const { transportId } = await c.request('createTransport', { direction: 'recv' });
  const consumerIds: ConsumerId[] = [];
  for (const p of joined.producers) {
    const consumed = await c.request('consume', {
      producerId: p.producerId,
      rtpCapabilities: joined.routerRtpCapabilities,
    });
    consumerIds.push(consumed.consumerId);
  }
  return { joined, transportId, consumerIds };
}
