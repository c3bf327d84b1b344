// A camera that sends layers (simulcast): each viewer's choice of picture becomes the ceiling mediasoup picks
// its layer under — on the real consumer, for tracks received now and later, also on a far worker's router.
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { summarizeRoom } from '../observe/room-summary.js';
import { cameraSimulcastVideo } from '../test-support/media.js';
import { liveCamera, stagePerTest, watchingViewer } from '../test-support/stage.js';
import type { TestClient } from '../test-support/ws-client.js';

const stage = stagePerTest({ MEDIASOUP_WORKERS: '2', ROOM_VIEWERS_PER_WORKER: '1' });
const room = 'layers' as RoomId;

async function simulcastCamera(c: TestClient) {
  const joined = await c.request('join', { room, role: 'camera' });
  const { transportId } = await c.request('createTransport', { direction: 'send' });
  await c.request('produce', { transportId, kind: 'video', rtpParameters: cameraSimulcastVideo });
  return joined;
}

/** The server's consumers of a viewer's video, as mediasoup holds them. */
function videoConsumers(peerId: string) {
  const r = stage.service.rooms.get(room)!;
  return r
    .viewers()
    .find((v) => v.id === peerId)!
    .listConsumers()
    .filter((c) => c.kind === 'video');
}

describe('a viewer’s choice of picture from a layered camera', () => {
  it('consumes every layer and caps it at the top, middle or lowest as the viewer asks', async () => {
    await simulcastCamera(await stage.connect());
    const v = await stage.connect();
    const watching = await watchingViewer(v, room);
    const video = videoConsumers(watching.joined.peerId)[0]!;
    expect(video.type).toBe('simulcast');
    // No estimate has been told yet (no media flows here): the viewer starts on the lowest layer, at every
    // frame rate, whatever its ceiling; it moves up as its estimate earns it (layer-guard.ts, e2e adaptive).
    expect(video.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 2 });

    for (const [quality, ceiling] of [
      ['low', 0],
      ['medium', 1],
      ['high', 2],
      ['auto', 2],
    ] as const) {
      const { layers } = await v.request('setQuality', { quality });
      expect(layers).toEqual([
        expect.objectContaining({ consumerId: video.id, spatialLayers: 3, ceiling }) as unknown,
      ]);
      expect(video.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    }
    // The operator's dashboard shows it too (no media flows here: no layer is being sent yet).
    await v.request('setQuality', { quality: 'medium' });
    const summary = await summarizeRoom(stage.service.rooms.get(room)!);
    expect(summary.viewers[0]?.layer).toEqual({ spatial: null, temporal: null, of: 3, ceiling: 1 });
  });

  it('keeps the choice for tracks received later, and caps Auto at what the screen can show', async () => {
    const camera = await stage.connect();
    await simulcastCamera(camera);
    // The camera's page reports its top layer's width; a small window needs only the ½ layer (1920 wide).
    await camera.request('reportStats', { width: 3840, height: 1920 });
    const v = await stage.connect();
    const joined = await v.request('join', { room, role: 'viewer' });
    expect((await v.request('setQuality', { quality: 'auto', wantedWidth: 1500 })).layers).toEqual([]);
    await v.request('createTransport', { direction: 'recv' });
    const consumed = await v.request('consume', {
      producerId: joined.producers[0]!.producerId,
      rtpCapabilities: joined.routerRtpCapabilities,
    });
    expect(consumed.rtpParameters.encodings?.[0]?.scalabilityMode).toBe('L3T3');
    const summary = await summarizeRoom(stage.service.rooms.get(room)!);
    expect(summary.viewers[0]?.layer?.ceiling).toBe(1);
    const { layers } = await v.request('setQuality', { quality: 'auto', wantedWidth: 5000 });
    expect(layers[0]?.ceiling).toBe(2);
  });

  it('a one-layer camera gives its layer whatever is asked', async () => {
    await liveCamera(await stage.connect(), room);
    const v = await stage.connect();
    const watching = await watchingViewer(v, room);
    expect((await v.request('setQuality', { quality: 'low' })).layers).toEqual([]);
    expect(videoConsumers(watching.joined.peerId)[0]!.type).toBe('simple');
  });

  it('pipes every layer to a far worker, where its viewers choose too', async () => {
    await simulcastCamera(await stage.connect());
    await watchingViewer(await stage.connect(), room); // fills the camera's worker
    const far = await stage.connect();
    const watching = await watchingViewer(far, room);
    expect(
      new Set(
        stage.service.rooms
          .get(room)!
          .spread()
          .map((s) => s.worker),
      ).size,
    ).toBe(2);
    const video = videoConsumers(watching.joined.peerId)[0]!;
    expect(video.type).toBe('simulcast');
    await far.request('setQuality', { quality: 'low' });
    expect(video.preferredLayers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
  });

  it('refuses a choice that is not one', async () => {
    await simulcastCamera(await stage.connect());
    const v = await stage.connect();
    await watchingViewer(v, room);
    await expect(v.request('setQuality', { quality: 'ultra' as 'high' })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(v.request('setQuality', { quality: 'auto', wantedWidth: -5 })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
