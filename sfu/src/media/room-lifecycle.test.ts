// Every way out of a room frees its mediasoup objects: checked in the worker's own dump, not our maps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { startTestService, type TestService } from '../test-support/service.js';
import { TestClient } from '../test-support/ws-client.js';
import { cameraAudio, cameraVideo, clientDtls } from '../test-support/media.js';

let service: TestService;
const room = 'biology' as RoomId;

beforeEach(async () => {
  service = await startTestService();
});
afterEach(async () => {
  await service.app.close();
});

async function workerDump() {
  const worker = service.pool.pick().worker;
  return (await worker.dump()) as unknown as { routerIds: string[] };
}

async function routerDump() {
  return service.rooms.get(room)?.dump();
}

async function joinCamera() {
  const c = await TestClient.connect(service.wsUrl);
  await c.request('join', { room, role: 'camera' });
  const { transportId } = await c.request('createTransport', { direction: 'send' });
  await c.request('connectTransport', { transportId, dtlsParameters: clientDtls });
  const video = await c.request('produce', { transportId, kind: 'video', rtpParameters: cameraVideo });
  await c.request('produce', { transportId, kind: 'audio', rtpParameters: cameraAudio });
  return { c, video: video.producerId };
}

async function joinViewer() {
  const c = await TestClient.connect(service.wsUrl);
  const { routerRtpCapabilities, producers } = await c.request('join', { room, role: 'viewer' });
  await c.request('createTransport', { direction: 'recv' });
  for (const p of producers)
    await c.request('consume', { producerId: p.producerId, rtpCapabilities: routerRtpCapabilities });
  return c;
}

describe('room lifecycle', () => {
  it('frees a peer on leave, on socket close and on a dropped socket; the last one out closes the router', async () => {
    const camera = await joinCamera();
    const leaver = await joinViewer();
    const closer = await joinViewer();
    const dropper = await joinViewer();

    let dump = await routerDump();
    expect(dump?.transportIds).toHaveLength(4);
    expect(dump?.producerIds).toHaveLength(2);
    expect(dump?.consumerIds).toHaveLength(6);

    await leaver.request('leave', {});
    await expect.poll(async () => (await routerDump())?.transportIds.length).toBe(3);

    await closer.close();
    await expect.poll(async () => (await routerDump())?.transportIds.length).toBe(2);

    dropper.socket.terminate(); // no close handshake, like a crashed tab
    await expect.poll(async () => (await routerDump())?.transportIds.length).toBe(1);
    dump = await routerDump();
    expect(dump?.consumerIds).toEqual([]);
    expect(dump?.producerIds).toHaveLength(2);

    await camera.c.close();
    await expect.poll(async () => (await workerDump()).routerIds).toEqual([]);
    expect(service.rooms.get(room)).toBeUndefined();
  });

  it('keeps an empty room for the configured grace period, so a quick reload finds the same router', async () => {
    await service.app.close();
    service = await startTestService({ ROOM_EMPTY_CLOSE_MS: '400' });
    const first = await TestClient.connect(service.wsUrl);
    await first.request('join', { room, role: 'camera' });
    const routerId = service.rooms.get(room)?.routerId;
    await first.close();
    const again = await TestClient.connect(service.wsUrl);
    await again.request('join', { room, role: 'camera' });
    expect(service.rooms.get(room)?.routerId).toBe(routerId);
    await again.close();
    await expect.poll(async () => (await workerDump()).routerIds, { timeout: 3000 }).toEqual([]);
  });

  it('makes one room for simultaneous first joins', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(service.wsUrl)));
    await Promise.all(clients.map((c) => c.request('join', { room, role: 'viewer' })));
    expect((await workerDump()).routerIds).toHaveLength(1);
    expect(service.rooms.get(room)?.peerCount).toBe(5);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('when a worker dies, its rooms close, peers are told, and /healthz turns 503', async () => {
    const camera = await joinCamera();
    const viewer = await joinViewer();
    const told = viewer.waitForEvent('roomClosed');
    expect((await service.app.inject('/healthz')).statusCode).toBe(200);

    process.kill(service.pool.pick().worker.pid, 'SIGKILL');

    expect((await told).data.reason).toMatch(/restart/);
    await expect.poll(async () => (await service.app.inject('/healthz')).statusCode).toBe(503);
    expect(service.rooms.get(room)).toBeUndefined();
    expect(await viewer.expectError('createTransport', { direction: 'recv' })).toBe('not_joined');
    await Promise.all([camera.c.close(), viewer.close()]);
  });
});
