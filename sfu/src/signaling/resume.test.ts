// A dropped connection's peer can come back on a new connection as itself: same id, same media, no
// duplicate; anyone else, or anyone too late, is told to join afresh.
import { describe, expect, it } from 'vitest';
import type { ProducerId, RoomId } from '../protocol/index.js';
import { roomObjects } from '../test-support/service.js';
import { liveCamera as publish, stagePerTest } from '../test-support/stage.js';

const room = 'history' as RoomId;
const GRACE_MS = 1500;
const stage = stagePerTest({ RESUME_GRACE_MS: String(GRACE_MS) });

const dump = () => roomObjects(stage.service, room).then((d) => d!);

async function liveCamera() {
  const c = await stage.connect();
  const { joined, transportId, video } = await publish(c, room, { audio: false });
  return { c, joined, transportId, producerId: video };
}

/** A viewer that receives one track of the camera's. */
async function watchingViewer(producerId: ProducerId) {
  const c = await stage.connect();
  const joined = await c.request('join', { room, role: 'viewer' });
  const { transportId } = await c.request('createTransport', { direction: 'recv' });
  const consumed = await c.request('consume', {
    producerId,
    rtpCapabilities: joined.routerRtpCapabilities,
  });
  return { c, joined, transportId, consumerId: consumed.consumerId };
}

describe('resume', () => {
  it('a dropped viewer resumes as the same peer with its consumer, and the room never counts it twice', async () => {
    const camera = await liveCamera();
    const viewer = await watchingViewer(camera.producerId);
    const before = await dump();

    viewer.c.socket.terminate();
    await new Promise((r) => setTimeout(r, 100));
    const again = await stage.connect();
    const resumed = await again.request('resume', {
      peerId: viewer.joined.peerId,
      resumeToken: viewer.joined.resumeToken,
    });

    expect(resumed).toEqual({
      peerId: viewer.joined.peerId,
      role: 'viewer',
      producers: [
        { producerId: camera.producerId, kind: 'video', peerId: camera.joined.peerId, source: 'camera' },
      ],
      stream: viewer.joined.stream,
      cameraStalled: false,
      talkback: viewer.joined.talkback,
      recording: false,
      consumerIds: [viewer.consumerId],
    });
    expect(stage.service.rooms.get(room)?.peerCount).toBe(2);
    expect(await dump()).toEqual(before);
    // Requests work on the new connection, for the same transports.
    await again.request('resumeConsumer', { consumerId: viewer.consumerId });
    // Past the grace period the resumed peer is still there: the timer was cancelled.
    await new Promise((r) => setTimeout(r, GRACE_MS + 300));
    expect(stage.service.rooms.get(room)?.peerCount).toBe(2);
    expect(await dump()).toEqual(before);
    await Promise.all([again.close(), camera.c.close()]);
  });

  it('a dropped camera resumes; its viewers keep their consumers and hear nothing', async () => {
    const camera = await liveCamera();
    const viewer = await watchingViewer(camera.producerId);
    camera.c.socket.terminate();
    await new Promise((r) => setTimeout(r, 100));
    const again = await stage.connect();
    const resumed = await again.request('resume', {
      peerId: camera.joined.peerId,
      resumeToken: camera.joined.resumeToken,
    });
    expect(resumed.role).toBe('camera');
    // What the camera may receive (no viewer talks yet); its own track is still in the router.
    expect(resumed.producers).toEqual([]);
    expect((await dump()).producerIds).toEqual([camera.producerId]);
    const changed = viewer.c.waitForEvent('streamChanged');
    await again.request('setStream', { projection: 'mono-180', swapEyes: false });
    await changed;
    expect(viewer.c.events.map((e) => e.event)).toEqual(['streamChanged']);
    await Promise.all([again.close(), viewer.c.close()]);
  });

  it('takes the peer over from a connection the server has not yet seen drop, and ends that one', async () => {
    const camera = await liveCamera();
    const viewer = await watchingViewer(camera.producerId);
    const oldClosed = viewer.c.closed();
    const again = await stage.connect();
    await again.request('resume', { peerId: viewer.joined.peerId, resumeToken: viewer.joined.resumeToken });
    expect(await oldClosed).toBe(4009);
    await new Promise((r) => setTimeout(r, 100));
    expect(stage.service.rooms.get(room)?.peerCount).toBe(2);
    expect((await dump()).consumerIds).toEqual([viewer.consumerId]);
    await Promise.all([again.close(), camera.c.close()]);
  });

  it('refuses a wrong token, a second resume on a joined connection, and any resume after the grace period', async () => {
    const camera = await liveCamera();
    const viewer = await watchingViewer(camera.producerId);
    viewer.c.socket.terminate();
    const other = await stage.connect();
    expect(
      await other.expectError('resume', { peerId: viewer.joined.peerId, resumeToken: 'x'.repeat(32) }),
    ).toBe('not_found');
    expect(
      await camera.c.expectError('resume', {
        peerId: viewer.joined.peerId,
        resumeToken: viewer.joined.resumeToken,
      }),
    ).toBe('already_joined');

    await expect.poll(async () => (await dump()).consumerIds, { timeout: GRACE_MS + 2000 }).toEqual([]);
    expect(
      await other.expectError('resume', {
        peerId: viewer.joined.peerId,
        resumeToken: viewer.joined.resumeToken,
      }),
    ).toBe('not_found');
    expect(stage.service.rooms.get(room)?.peerCount).toBe(1);
    await Promise.all([other.close(), camera.c.close()]);
  });

  it('a clean close is a goodbye: the peer leaves at once, nothing to resume', async () => {
    const camera = await liveCamera();
    const viewer = await watchingViewer(camera.producerId);
    await viewer.c.close();
    await expect.poll(async () => (await dump()).consumerIds, { timeout: GRACE_MS / 2 }).toEqual([]);
    const again = await stage.connect();
    expect(
      await again.expectError('resume', {
        peerId: viewer.joined.peerId,
        resumeToken: viewer.joined.resumeToken,
      }),
    ).toBe('not_found');
    await Promise.all([again.close(), camera.c.close()]);
  });

  it('restartIce hands out new ICE credentials for the transport', async () => {
    const camera = await liveCamera();
    const first = (await roomObjects(stage.service, room).then((d) => d!)).transportIds;
    const { iceParameters } = await camera.c.request('restartIce', { transportId: camera.transportId });
    expect(iceParameters.usernameFragment).not.toBe(camera.joined.peerId);
    expect(iceParameters.usernameFragment.length).toBeGreaterThan(0);
    const again = await camera.c.request('restartIce', { transportId: camera.transportId });
    expect(again.iceParameters.usernameFragment).not.toBe(iceParameters.usernameFragment);
    expect((await dump()).transportIds).toEqual(first);
    await camera.c.close();
  });

  it('on shutdown every client is told the server is restarting (1012), so it comes back by itself', async () => {
    const camera = await liveCamera();
    const viewer = await watchingViewer(camera.producerId);
    const codes = Promise.all([camera.c.closed(), viewer.c.closed()]);
    await stage.service.app.close();
    expect(await codes).toEqual([1012, 1012]);
  });
});
