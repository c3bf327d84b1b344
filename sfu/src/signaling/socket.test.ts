// Signaling over a real WebSocket against the real service and real mediasoup workers.
import { describe, expect, it } from 'vitest';
import type { ProducerId, RoomId } from '../protocol/index.js';
import { liveCamera as publish, stagePerTest } from '../test-support/stage.js';
import { RequestFailed, type TestClient } from '../test-support/ws-client.js';
import { cameraVideo } from '../test-support/media.js';

const stage = stagePerTest();
const connect = () => stage.connect();
const room = 'lesson-1' as RoomId;

async function liveCamera(c: TestClient) {
  const { transportId, video, audio } = await publish(c, room);
  return { transportId, video, audio: audio! };
}

describe('malformed input', () => {
  it('answers each bad message with a typed error and keeps the connection open', async () => {
    const c = await connect();
    c.sendRaw('this is not json');
    expect((await c.nextOrphanError()).code).toBe('bad_json');
    c.sendRaw(JSON.stringify({ hello: 'world' }));
    expect((await c.nextOrphanError()).code).toBe('bad_json');
    c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.nextOrphanError()).code).toBe('bad_json');
    expect(await c.expectError('selfDestruct', {})).toBe('unknown_method');
    expect(await c.expectError('join', { room })).toBe('bad_request');
    expect(await c.expectError('join', { room, role: 'viewer', displayName: 5 })).toBe('bad_request');
    expect(await c.expectError('createTransport', { direction: 'recv' })).toBe('not_joined');

    expect(c.isOpen).toBe(true);
    const joined = await c.request('join', { room, role: 'viewer' });
    expect(joined.peerId).toMatch(/[0-9a-f-]{36}/);
    expect(joined.routerRtpCapabilities.codecs?.map((x) => x.mimeType)).toEqual(
      expect.arrayContaining(['video/H264', 'video/VP8', 'video/VP9', 'audio/opus']),
    );
  });

  it('rejects RTP parameters mediasoup refuses as bad_request, not internal', async () => {
    const c = await connect();
    await c.request('join', { room, role: 'camera' });
    const { transportId } = await c.request('createTransport', { direction: 'send' });
    const unsupported = {
      ...cameraVideo,
      codecs: [{ mimeType: 'video/H265', payloadType: 100, clockRate: 90000 }],
    };
    expect(await c.expectError('produce', { transportId, kind: 'video', rtpParameters: unsupported })).toBe(
      'bad_request',
    );
    expect(
      await c.expectError('produce', { transportId: 'nope', kind: 'video', rtpParameters: cameraVideo }),
    ).toBe('not_found');
  });
});

describe('roles', () => {
  it('refuses a second camera in a room, and lets one in once the first leaves', async () => {
    const first = await connect();
    await first.request('join', { room, role: 'camera' });
    const second = await connect();
    expect(await second.expectError('join', { room, role: 'camera' })).toBe('camera_taken');
    expect(await second.expectError('join', { room: 'other-room', role: 'camera' })).toBeUndefined();

    const third = await connect();
    await first.close();
    await expect.poll(async () => third.expectError('join', { room, role: 'camera' })).toBeUndefined();
  });

  it('lets a viewer send only its voice, and nobody receive their own tracks', async () => {
    const viewer = await connect();
    await viewer.request('join', { room, role: 'viewer' });
    const { transportId } = await viewer.request('createTransport', { direction: 'send' });
    expect(
      await viewer.expectError('produce', { transportId, kind: 'video', rtpParameters: cameraVideo }),
    ).toBe('forbidden');
    const camera = await connect();
    const { video } = await liveCamera(camera);
    const caps = stage.service.rooms.get(room)!.rtpCapabilities;
    await camera.request('createTransport', { direction: 'recv' });
    expect(await camera.expectError('consume', { producerId: video, rtpCapabilities: caps })).toBe(
      'not_found',
    );
    expect(
      await camera.expectError('produce', { transportId: 'x', kind: 'video', rtpParameters: cameraVideo }),
    ).toBe('invalid_state');
  });
});

describe('media flow', () => {
  it('tells viewers about camera tracks as they come and go', async () => {
    const viewer = await connect();
    const { routerRtpCapabilities, producers } = await viewer.request('join', { room, role: 'viewer' });
    expect(producers).toEqual([]);
    await viewer.request('createTransport', { direction: 'recv' });

    const camera = await connect();
    const added = viewer.waitForEvent('producerAdded');
    const { video } = await liveCamera(camera);
    expect((await added).data).toMatchObject({ producerId: video, kind: 'video', source: 'camera' });

    const consumer = await viewer.request('consume', {
      producerId: video,
      rtpCapabilities: routerRtpCapabilities,
    });
    expect(consumer).toMatchObject({ producerId: video, kind: 'video' });
    await viewer.request('resumeConsumer', { consumerId: consumer.consumerId });

    const closed = viewer.waitForEvent('consumerClosed');
    await camera.request('closeProducer', { producerId: video });
    expect((await closed).data).toEqual({ consumerId: consumer.consumerId });
    expect(await viewer.expectError('resumeConsumer', { consumerId: consumer.consumerId })).toBe('not_found');

    // A late joiner sees what is live now.
    const late = await connect();
    const lateJoin = await late.request('join', { room, role: 'viewer' });
    expect(lateJoin.producers.map((p) => p.kind)).toEqual(['audio']);
  });

  it("carries the camera's stream description to viewers, and forgets it when the camera leaves", async () => {
    const viewer = await connect();
    expect((await viewer.request('join', { room, role: 'viewer' })).stream).toEqual({
      projection: 'mono-360',
      swapEyes: false,
    });
    expect(await viewer.expectError('setStream', { projection: 'mono-180', swapEyes: false })).toBe(
      'forbidden',
    );
    const camera = await connect();
    await camera.request('join', { room, role: 'camera' });
    expect(await camera.expectError('setStream', { projection: 'stereo-720', swapEyes: false })).toBe(
      'bad_request',
    );
    const changed = viewer.waitForEvent('streamChanged');
    await camera.request('setStream', { projection: 'stereo-360-tb', swapEyes: true });
    expect((await changed).data).toEqual({ projection: 'stereo-360-tb', swapEyes: true });
    const late = await connect();
    expect((await late.request('join', { room, role: 'viewer' })).stream.projection).toBe('stereo-360-tb');
    await camera.close();
    await expect
      .poll(async () => {
        const c = await connect();
        return (await c.request('join', { room, role: 'viewer' })).stream.projection;
      })
      .toBe('mono-360');
  });

  it('refuses to consume a producer that does not exist', async () => {
    const viewer = await connect();
    const { routerRtpCapabilities } = await viewer.request('join', { room, role: 'viewer' });
    await viewer.request('createTransport', { direction: 'recv' });
    const missing = 'f'.repeat(36) as ProducerId;
    await expect(
      viewer.request('consume', { producerId: missing, rtpCapabilities: routerRtpCapabilities }),
    ).rejects.toThrow(RequestFailed);
  });
});
