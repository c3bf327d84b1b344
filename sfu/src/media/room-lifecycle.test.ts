// Every way out of a room frees its mediasoup objects: checked in the worker's own dump, not our maps.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { roomObjects, startTestService, type TestService } from '../test-support/service.js';
import { TestClient } from '../test-support/ws-client.js';
import { cameraAudio, cameraVideo, clientDtls } from '../test-support/media.js';

let service: TestService;
const room = 'biology' as RoomId;

const RESUME_GRACE_MS = 400;
beforeEach(async () => {
  service = await startTestService({ RESUME_GRACE_MS: String(RESUME_GRACE_MS) });
});
afterEach(async () => {
  await service.app.close();
});

async function workerDump() {
  const worker = service.pool.pick().worker;
  return (await worker.dump()) as unknown as { routerIds: string[] };
}

async function routerDump() {
  return roomObjects(service, room);
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
  it('frees a peer on leave, on socket close, and after the resume grace period of a dropped socket; the last one out closes the router', async () => {
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

    dropper.socket.terminate(); // no close handshake, like a crashed tab or a lost network
    const dropped = Date.now();
    // Kept for a resume first...
    await new Promise((r) => setTimeout(r, RESUME_GRACE_MS / 2));
    expect((await routerDump())?.transportIds).toHaveLength(2);
    // ...then freed.
    await expect.poll(async () => (await routerDump())?.transportIds.length).toBe(1);
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(RESUME_GRACE_MS);
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

  it('when a worker dies, its rooms close, peers are told to rejoin, and a replacement takes its place', async () => {
    const camera = await joinCamera();
    const viewer = await joinViewer();
    const told = viewer.waitForEvent('roomClosed');
    expect((await service.app.inject('/healthz')).statusCode).toBe(200);
    const dead = service.pool.pick();
    // Unhealthy from the moment of death until the replacement runs.
    const healthWhenDied = new Promise<boolean>((resolve) =>
      service.pool.once('died', () => resolve(service.pool.healthy)),
    );
    const replaced = new Promise<number>((resolve) =>
      service.pool.once('respawned', (w) => resolve(w.worker.pid)),
    );

    process.kill(dead.worker.pid, 'SIGKILL');

    const { data } = await told;
    expect(data).toMatchObject({ rejoin: true });
    expect((data as { reason: string }).reason).toMatch(/restart/);
    expect(await healthWhenDied).toBe(false);
    expect(service.rooms.get(room)).toBeUndefined();
    expect(await viewer.expectError('createTransport', { direction: 'recv' })).toBe('not_joined');

    const pid = await replaced;
    expect(pid).not.toBe(dead.worker.pid);
    expect(service.pool.all()[dead.index]?.worker.pid).toBe(pid);
    expect((await service.app.inject('/healthz')).statusCode).toBe(200);
    expect((await service.app.inject('/readyz')).statusCode).toBe(200);
    // The same peers rejoin and the room works again, on a live router.
    await viewer.request('join', { room, role: 'viewer' });
    await camera.c.request('join', { room, role: 'camera' });
    expect(service.rooms.get(room)?.peerCount).toBe(2);
    await Promise.all([camera.c.close(), viewer.close()]);
  });
});
