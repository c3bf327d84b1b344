// No close path leaves anything behind: every way a peer or room can end is followed by mediasoup's own
// dump of the worker (routers) and router (transports, producers, consumers), not by our maps.
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import type { Grant } from '../auth/tokens.js';
import { roomObjects } from '../test-support/service.js';
import { liveCamera, stagePerTest, watchingViewer } from '../test-support/stage.js';

const SECRET = 'leak-test-secret-long-enough-0123456789abc';
const GRACE_MS = 300;
const stage = stagePerTest({ TOKEN_SECRET: SECRET, RESUME_GRACE_MS: String(GRACE_MS) });
const connect = (grant?: Grant) => stage.connect({ grant });

async function camera(room: RoomId) {
  const c = await connect({ role: 'camera', room });
  const { video, audio } = await liveCamera(c, room);
  return { c, producers: [video, audio!] };
}

async function viewer(room: RoomId) {
  const c = await connect();
  const { joined } = await watchingViewer(c, room);
  return { c, peerId: joined.peerId };
}

const counts = async (room: RoomId) => {
  const d = await roomObjects(stage.service, room);
  return (
    d && {
      transports: d.transportIds.length,
      producers: d.producerIds.length,
      consumers: d.consumerIds.length,
    }
  );
};
const routers = async () =>
  (
    await Promise.all(
      stage.service.pool
        .all()
        .map(async (w) => ((await w.worker.dump()) as unknown as { routerIds: string[] }).routerIds),
    )
  ).flat();

describe('no leaks', () => {
  it('tab closed, socket dropped (after the grace period), leave, kick: each frees exactly its own media', async () => {
    const room = 'leaks' as RoomId;
    await camera(room);
    const baseline = await counts(room);
    expect(baseline).toEqual({ transports: 1, producers: 2, consumers: 0 });

    const ways: [string, (v: Awaited<ReturnType<typeof viewer>>) => Promise<unknown>][] = [
      ['tab closed', (v) => v.c.close()],
      ['socket dropped', async (v) => v.c.socket.terminate()],
      ['leave', (v) => v.c.request('leave', {})],
      [
        'kicked',
        async (v) => {
          const operator = await connect({ role: 'operator' });
          await operator.request('kickPeer', { room, peerId: v.peerId });
        },
      ],
    ];
    for (const [way, end] of ways) {
      const v = await viewer(room);
      expect(await counts(room), way).toEqual({ transports: 2, producers: 2, consumers: 2 });
      await end(v);
      await expect.poll(() => counts(room), { timeout: GRACE_MS + 3000, message: way }).toEqual(baseline);
    }
  });

  it('room closed by the operator, and a dead worker: no router is left anywhere', async () => {
    const closed = 'closed-by-operator' as RoomId;
    const crashed = 'crashed' as RoomId;
    await camera(closed);
    await viewer(closed);
    const operator = await connect({ role: 'operator' });
    await operator.request('closeRoom', { room: closed });
    await expect.poll(routers).toEqual([]);

    await camera(crashed);
    await viewer(crashed);
    expect(await routers()).toHaveLength(1);
    const replaced = new Promise((resolve) => stage.service.pool.once('respawned', resolve));
    process.kill(stage.service.pool.pick().worker.pid, 'SIGKILL');
    await replaced;
    expect(stage.service.rooms.list()).toEqual([]);
    expect(await routers()).toEqual([]);
  });

  it('churn: viewers joining and leaving (cleanly or by dropping) return the router to its baseline', async () => {
    const room = 'churn' as RoomId;
    await camera(room);
    const stay = await viewer(room);
    const baseline = await counts(room);
    for (let i = 0; i < 40; i++) {
      const batch = await Promise.all([viewer(room), viewer(room)]);
      await batch[0].c.close();
      batch[1].c.socket.terminate();
    }
    await expect.poll(() => counts(room), { timeout: GRACE_MS + 5000 }).toEqual(baseline);
    expect(stage.service.rooms.get(room)?.peerCount).toBe(2);
    // The viewer that stayed still has its consumers.
    expect((await stay.c.request('reportStats', {})) ?? {}).toEqual({});
  });
});
