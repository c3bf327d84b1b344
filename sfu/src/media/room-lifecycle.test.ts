// Every way out of a room frees its mediasoup objects: checked in the worker's own dump, not our maps.
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { roomObjects } from '../test-support/service.js';
import { liveCamera, stagePerTest, watchingViewer } from '../test-support/stage.js';

const room = 'biology' as RoomId;

const RESUME_GRACE_MS = 400;
const stage = stagePerTest({ RESUME_GRACE_MS: String(RESUME_GRACE_MS) });

async function workerDump() {
  const worker = stage.service.pool.pick().worker;
  return (await worker.dump()) as unknown as { routerIds: string[] };
}

async function routerDump() {
  return roomObjects(stage.service, room);
}

async function joinCamera() {
  const c = await stage.connect();
  const { video } = await liveCamera(c, room, { connect: true });
  return { c, video };
}

async function joinViewer() {
  const c = await stage.connect();
  await watchingViewer(c, room);
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
    expect(stage.service.rooms.get(room)).toBeUndefined();
  });

  it('keeps an empty room for the configured grace period, so a quick reload finds the same router', async () => {
    await stage.restart({ ROOM_EMPTY_CLOSE_MS: '400' });
    const first = await stage.connect();
    await first.request('join', { room, role: 'camera' });
    const routerId = stage.service.rooms.get(room)?.routerId;
    await first.close();
    const again = await stage.connect();
    await again.request('join', { room, role: 'camera' });
    expect(stage.service.rooms.get(room)?.routerId).toBe(routerId);
    await again.close();
    await expect.poll(async () => (await workerDump()).routerIds, { timeout: 3000 }).toEqual([]);
  });

  it('makes one room for simultaneous first joins', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => stage.connect()));
    await Promise.all(clients.map((c) => c.request('join', { room, role: 'viewer' })));
    expect((await workerDump()).routerIds).toHaveLength(1);
    expect(stage.service.rooms.get(room)?.peerCount).toBe(5);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('when a worker dies, its rooms close, peers are told to rejoin, and a replacement takes its place', async () => {
    const camera = await joinCamera();
    const viewer = await joinViewer();
    const told = viewer.waitForEvent('roomClosed');
    expect((await stage.service.app.inject('/healthz')).statusCode).toBe(200);
    const dead = stage.service.pool.pick();
    // Unhealthy from the moment of death until the replacement runs.
    const healthWhenDied = new Promise<boolean>((resolve) =>
      stage.service.pool.once('died', () => resolve(stage.service.pool.healthy)),
    );
    const replaced = new Promise<number>((resolve) =>
      stage.service.pool.once('respawned', (w) => resolve(w.worker.pid)),
    );

    process.kill(dead.worker.pid, 'SIGKILL');

    const { data } = await told;
    expect(data).toMatchObject({ rejoin: true });
    expect((data as { reason: string }).reason).toMatch(/restart/);
    expect(await healthWhenDied).toBe(false);
    expect(stage.service.rooms.get(room)).toBeUndefined();
    expect(await viewer.expectError('createTransport', { direction: 'recv' })).toBe('not_joined');

    const pid = await replaced;
    expect(pid).not.toBe(dead.worker.pid);
    expect(stage.service.pool.all()[dead.index]?.worker.pid).toBe(pid);
    expect((await stage.service.app.inject('/healthz')).statusCode).toBe(200);
    expect((await stage.service.app.inject('/readyz')).statusCode).toBe(200);
    // The same peers rejoin and the room works again, on a live router.
    await viewer.request('join', { room, role: 'viewer' });
    await camera.c.request('join', { room, role: 'camera' });
    expect(stage.service.rooms.get(room)?.peerCount).toBe(2);
    await Promise.all([camera.c.close(), viewer.close()]);
  });
});
