// The operator's side of signaling, against the real service: the live room list, and the actions.
import { describe, expect, it, vi } from 'vitest';
import type { PeerId, RoomId, RoomSummary } from '../protocol/index.js';
import { CloseCode } from '../protocol/index.js';
import type { Grant } from '../auth/tokens.js';
import { roomObjects } from '../test-support/service.js';
import { liveCamera, stagePerTest, watchingViewer } from '../test-support/stage.js';
import type { TestClient } from '../test-support/ws-client.js';

const SECRET = 'operator-test-secret-long-enough-0123456789';
const room = 'geography' as RoomId;
// The camera stall watch reads producer stats too; off here, so the getStats calls counted below are the
// dashboards' alone.
const stage = stagePerTest({ TOKEN_SECRET: SECRET, DASHBOARD_INTERVAL_MS: '100', CAMERA_STALL_MS: '0' });
const quest3 =
  'Mozilla/5.0 (X11; Linux x86_64; Quest 3) AppleWebKit/537.36 OculusBrowser/35.0 Chrome/130 VR Safari/537.36';
const connect = (grant?: Grant) =>
  stage.connect({ ...(grant && { grant }), headers: { 'user-agent': quest3 } });

async function liveRoom() {
  const camera = await connect({ role: 'camera', room });
  await liveCamera(camera, room, { audio: false });
  const viewers: { client: TestClient; peerId: PeerId }[] = [];
  for (const name of ['Ada', 'Ben']) {
    const client = await connect();
    const { joined } = await watchingViewer(client, room, { displayName: name });
    await client.request('reportStats', {
      width: 1920,
      height: 960,
      fps: 30,
      rttMs: 12,
      lossPercent: 0.5,
      connection: 'direct',
    });
    viewers.push({ client, peerId: joined.peerId });
  }
  return { camera, viewers };
}

const dump = async () => roomObjects(stage.service, room);

describe('operator dashboard over signaling', () => {
  it('lists rooms with camera, viewers, devices and reported figures; pushes changes', async () => {
    const { viewers } = await liveRoom();
    const operator = await connect({ role: 'operator' });
    const { rooms } = await operator.request('watchRooms', {});
    const summary = rooms.find((r) => r.room === room)!;
    expect(summary.camera).toMatchObject({
      live: true,
      codec: 'video/VP8',
      device: 'Meta Quest (Quest Browser)',
    });
    expect(summary.viewers.map((v) => v.displayName).sort()).toEqual(['Ada', 'Ben']);
    expect(summary.viewers[0]).toMatchObject({
      width: 1920,
      height: 960,
      fps: 30,
      rttMs: 12,
      connection: 'direct',
    });
    expect(summary.maxViewers).toBe(200);

    const changed = operator.waitForEvent('roomsChanged');
    await viewers[1]!.client.close();
    const update = (await changed).data;
    const after = update.rooms.find((r: RoomSummary) => r.room === room)!;
    expect(after.viewers.map((v) => v.displayName)).toEqual(['Ada']);
  });

  it('removes a viewer: it is told, its connection closed, its transport gone, and it is not in the room', async () => {
    const { viewers } = await liveRoom();
    const operator = await connect({ role: 'operator' });
    expect((await dump())?.transportIds).toHaveLength(3);
    const target = viewers[0]!;
    const told = target.client.waitForEvent('kicked');
    const closed = target.client.closed();
    await operator.request('kickPeer', { room, peerId: target.peerId });
    expect((await told).data.reason).toMatch(/operator/);
    expect(await closed).toBe(CloseCode.kicked);
    expect((await dump())?.transportIds).toHaveLength(2);
    expect(
      stage.service.rooms
        .get(room)
        ?.peerList()
        .map((p) => p.id),
    ).not.toContain(target.peerId);
  });

  it('closes a room for everyone, telling them not to rejoin; sets the viewer cap', async () => {
    const { viewers, camera } = await liveRoom();
    const operator = await connect({ role: 'operator' });
    await operator.request('setRoomLimit', { room, maxViewers: 2 });
    expect(await (await connect()).expectError('join', { room, role: 'viewer' })).toBe('room_full');
    const told = camera.waitForEvent('roomClosed');
    await operator.request('closeRoom', { room });
    expect((await told).data).toEqual({ reason: 'closed by the operator', rejoin: false });
    expect(stage.service.rooms.get(room)).toBeUndefined();
    expect(await viewers[0]!.client.expectError('createTransport', { direction: 'recv' })).toBe('not_joined');
  });

  it('refuses every operator method to a camera, a viewer and an anonymous connection; nothing changes', async () => {
    const { viewers } = await liveRoom();
    for (const c of [
      await connect(),
      await connect({ role: 'viewer', room }),
      await connect({ role: 'camera', room }),
    ]) {
      expect(await c.expectError('watchRooms', {})).toBe('forbidden');
      expect(await c.expectError('kickPeer', { room, peerId: viewers[0]!.peerId })).toBe('forbidden');
      expect(await c.expectError('closeRoom', { room })).toBe('forbidden');
      expect(await c.expectError('setRoomLimit', { room, maxViewers: 1 })).toBe('forbidden');
    }
    const r = stage.service.rooms.get(room)!;
    expect(r.maxViewers).toBe(200);
    expect(r.peerList()).toHaveLength(3);
  });

  it('ten open dashboards cost what one does: summaries are computed once per tick for all of them', async () => {
    await liveRoom();
    // Count mediasoup getStats calls on the room's real transports and producers.
    const r = stage.service.rooms.get(room)!;
    const protos = new Set<object>();
    for (const p of r.peerList()) {
      for (const t of p.listTransports()) protos.add(Object.getPrototypeOf(t) as object);
      for (const pr of p.listProducers()) protos.add(Object.getPrototypeOf(pr) as object);
    }
    const spies = [...protos].map((proto) =>
      vi.spyOn(proto as { getStats: () => Promise<unknown> }, 'getStats'),
    );
    const calls = () => spies.reduce((n, s) => n + s.mock.calls.length, 0);
    const countOver = async (ms: number) => {
      const before = calls();
      await new Promise((resolve) => setTimeout(resolve, ms));
      return calls() - before;
    };
    try {
      const first = await connect({ role: 'operator' });
      await first.request('watchRooms', {});
      const one = await countOver(1000);
      const nine = await Promise.all(Array.from({ length: 9 }, () => connect({ role: 'operator' })));
      await Promise.all(nine.map((c) => c.request('watchRooms', {})));
      const ten = await countOver(1000);
      console.log(`[watcher] getStats calls in 1 s: one dashboard ${one}, ten dashboards ${ten}`);
      expect(one).toBeGreaterThan(0);
      // Per dashboard it would be ten times as many; once per tick it is about the same.
      expect(ten).toBeLessThan(one * 2);
      expect(stage.service.watcher.watching).toBe(10);
      await Promise.all([first, ...nine].map((c) => c.close()));
      await expect.poll(() => stage.service.watcher.watching).toBe(0);
      expect(await countOver(500)).toBe(0);
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });
});
