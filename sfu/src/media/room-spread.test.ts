// A class larger than one worker's share spreads over the workers: viewers past ROOM_VIEWERS_PER_WORKER are
// placed on another worker's router, the camera's tracks are piped there once, and a viewer's voice is piped
// back to the camera's router. Checked in mediasoup's own dumps of each worker's routers.
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { roomObjects } from '../test-support/service.js';
import { liveCamera, stagePerTest } from '../test-support/stage.js';
import { cameraAudio } from '../test-support/media.js';

const stage = stagePerTest({ MEDIASOUP_WORKERS: '2', ROOM_VIEWERS_PER_WORKER: '2' });
const connect = () => stage.connect();

/** Per worker: its routers' transports, producers and consumers, from mediasoup itself. */
async function perWorker() {
  return Promise.all(
    stage.service.pool.all().map(async (w) => {
      const { routerIds } = (await w.worker.dump()) as unknown as { routerIds: string[] };
      return { worker: w.index, routers: routerIds.length };
    }),
  );
}

describe('one room over several workers', () => {
  it('places viewers past the per-worker share on the next worker and pipes the tracks to them', async () => {
    const room = 'spread' as RoomId;
    const camera = await connect();
    await liveCamera(camera, room);

    const viewers = [];
    for (let i = 0; i < 5; i++) {
      const v = await connect();
      const joined = await v.request('join', { room, role: 'viewer' });
      await v.request('createTransport', { direction: 'recv' });
      for (const p of joined.producers) {
        const consumed = await v.request('consume', {
          producerId: p.producerId,
          rtpCapabilities: joined.routerRtpCapabilities,
        });
        expect(consumed.producerId).toBe(p.producerId);
      }
      viewers.push({ v, joined });
    }

    const spread = stage.service.rooms.get(room)!.spread();
    expect(new Set(spread.map((s) => s.worker)).size).toBe(2);
    expect(spread.reduce((n, s) => n + s.viewers, 0)).toBe(5);
    for (const s of spread) expect(s.viewers).toBeGreaterThanOrEqual(2);
    expect((await perWorker()).map((w) => w.routers)).toEqual([1, 1]);

    // 1 camera + 5 viewer transports + a pipe at each end; the 2 camera tracks and their 2 piped copies;
    // 10 viewer consumers + the 2 that feed the pipe.
    const dump = await roomObjects(stage.service, room).then((d) => d!);
    expect(dump.transportIds).toHaveLength(8);
    expect(dump.producerIds).toHaveLength(4);
    expect(dump.consumerIds).toHaveLength(12);

    // A viewer on the second worker talks: its voice is piped to the camera's router and consumed there.
    const far = viewers[2]!;
    const { transportId: send } = await far.v.request('createTransport', { direction: 'send' });
    const { producerId: voice } = await far.v.request('produce', {
      transportId: send,
      kind: 'audio',
      rtpParameters: { ...cameraAudio, encodings: [{ ssrc: 44444444 }], rtcp: { cname: 'far' } },
    });
    const cameraJoin = await camera.request('createTransport', { direction: 'recv' });
    expect(cameraJoin.transportId).toBeTruthy();
    const heard = await camera.request('consume', {
      producerId: voice,
      rtpCapabilities: viewers[0]!.joined.routerRtpCapabilities,
    });
    expect(heard.kind).toBe('audio');
    const after = await roomObjects(stage.service, room).then((d) => d!);
    // The voice and its piped copy on the camera's router; the pipe between the two routers carries it the
    // other way (no new pipe transports: only the voice's send and the camera's recv transport are new).
    expect(after.producerIds).toHaveLength(6);
    expect(after.transportIds).toHaveLength(8 + 2);

    // The camera leaves: its tracks close, and with them their piped copies on the other worker (mediasoup
    // closes those as their pipe consumers close, a moment later). A piped copy keeps its track's id.
    await camera.request('leave', {});
    await expect
      .poll(async () => (await roomObjects(stage.service, room).then((d) => d!)).producerIds, {
        timeout: 2000,
      })
      .toEqual([voice, voice]);
    expect((await roomObjects(stage.service, room).then((d) => d!)).consumerIds).toHaveLength(1); // feeds the voice's copy
  });

  it('a viewer removed while its first transport opens a new router is not left counted there', async () => {
    const room = 'spread-race' as RoomId;
    // Two viewers fill the home worker's share; the third's transport needs a router on the other worker.
    for (let i = 0; i < 2; i++) {
      const v = await connect();
      await v.request('join', { room, role: 'viewer' });
      await v.request('createTransport', { direction: 'recv' });
    }
    const r = stage.service.rooms.get(room)!;
    const link = { owner: {}, notify: () => undefined, disconnect: () => undefined };
    const late = r.join({ role: 'viewer', displayName: undefined, device: 'test', link });
    // The transport's placement waits for the new router; the peer leaves (kicked, tab closed) meanwhile.
    const opening = r.createTransport(late, 'recv');
    r.leave(late);
    await expect(opening).rejects.toMatchObject({ code: 'invalid_state' });
    expect(r.spread().reduce((n, w) => n + w.viewers, 0)).toBe(2);
    expect((await roomObjects(stage.service, room))?.transportIds).toHaveLength(2);
  });
});
