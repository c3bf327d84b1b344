// Presence across two real nodes and a real Redis: the camera on node A, viewer pages on node B. Where B's
// viewers look reaches A's camera (and an operator watching the room on A) under their stand-ins' ids; the
// camera's "look here" reaches them on B, and their having looked is counted on A; a viewer that stops sharing
// or leaves B is gone from A's picture. An operator watching the room on B sees the whole room (A's viewers
// too, with their names) and its "look here" reaches every viewer, counted on A.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Gaze, PeerId, RoomId } from '../protocol/index.js';
import { startTestService, type TestService } from '../test-support/service.js';
import { startRedis, type TestRedis } from '../test-support/redis.js';
import { liveCamera, watchingViewer } from '../test-support/stage.js';
import { TestClient } from '../test-support/ws-client.js';
import { until } from '../test-support/until.js';
import { gazesSeenBy, lastAudience, namesSeenBy } from '../test-support/presence.js';

const ROOM = 'presence-cluster' as RoomId;
let redis: TestRedis;
const services: TestService[] = [];
const clients: TestClient[] = [];

beforeEach(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await Promise.allSettled(services.splice(0).map((s) => s.app.close()));
  await redis.stop();
});

async function nodes(...ids: string[]): Promise<TestService[]> {
  for (const id of ids)
    services.push(
      await startTestService({
        CLUSTER_REDIS_URL: redis.url,
        NODE_ID: id,
        CLUSTER_HEARTBEAT_MS: '200',
        CAMERA_STALL_MS: '0',
        OPERATOR_PASSWORD: 'presence across nodes',
      }),
    );
  return services;
}

async function client(s: TestService, query = ''): Promise<TestClient> {
  const c = await TestClient.connect(`${s.wsUrl}${query}`);
  clients.push(c);
  return c;
}

async function operator(s: TestService): Promise<TestClient> {
  return client(s, `?token=${(await s.tokens.issue({ role: 'operator' }, 600)).token}`);
}

const gaze = (yaw: number, pitch = 0): Gaze => ({ yaw, pitch, hfov: 100, vfov: 70 });

/** The stand-in id on A of the viewer named `name` (the camera's audience list). */
const standInOf = (camera: TestClient, name: string): PeerId | undefined =>
  lastAudience(camera).find((v) => v.displayName === name)?.peerId;

describe('presence across nodes', () => {
  it('brings where B’s viewers look to A’s camera, and A’s cues to them, counted on A', async () => {
    const [a, b] = (await nodes('node-a', 'node-b')) as [TestService, TestService];
    const camera = await client(a);
    await liveCamera(camera, ROOM, { audio: false });
    const ada = await client(b);
    await watchingViewer(ada, ROOM, { displayName: 'Ada' });
    const ben = await client(b);
    await watchingViewer(ben, ROOM, { displayName: 'Ben' });
    const adaOnA = await until('Ada listed on A', () => standInOf(camera, 'Ada'));
    const benOnA = await until('Ben listed on A', () => standInOf(camera, 'Ben'));

    // Where they look on B: on A's camera, under the ids it lists them by; marked as sharing.
    await ada.request('reportGaze', { gaze: gaze(90, 10) });
    await ben.request('reportGaze', { gaze: gaze(-30) });
    await until('A’s camera sees both', () => gazesSeenBy(camera).size === 2);
    expect(gazesSeenBy(camera).get(adaOnA)).toEqual(gaze(90, 10));
    expect(gazesSeenBy(camera).get(benOnA)).toEqual(gaze(-30));
    const sharing = () => lastAudience(camera).filter((v) => v.sharesGaze).length;
    await until('both marked as sharing', () => sharing() === 2);
    // A turn arrives as a turn.
    await ada.request('reportGaze', { gaze: gaze(120, 5) });
    await until('Ada’s turn on A', () => gazesSeenBy(camera).get(adaOnA)?.yaw === 120);

    // The camera's cue on A: both viewers on B get it; Ada looks, and A counts 1 of 2.
    const adaCue = ada.waitForEvent('lookHere');
    const benCue = ben.waitForEvent('lookHere');
    const { cueId } = await camera.request('lookHere', { yaw: 45, pitch: 0 });
    expect((await adaCue).data).toMatchObject({ cueId, yaw: 45, pitch: 0 });
    expect((await benCue).data.cueId).toBe(cueId);
    const counted = () =>
      camera.events.flatMap((e) => (e.event === 'cue' && e.data.cueId === cueId ? [e.data] : [])).at(-1);
    expect(counted()).toMatchObject({ seen: 0, of: 2 });
    await ada.request('cueSeen', { cueId });
    await ada.request('cueSeen', { cueId }); // again: counted once
    await until('A counts Ada', () => counted()?.seen === 1);
    expect(counted()).toMatchObject({ seen: 1, of: 2 });

    // Ada stops sharing, Ben leaves B: both gone from A's picture.
    await ada.request('reportGaze', { gaze: null });
    await until('Ada gone on A', () => !gazesSeenBy(camera).has(adaOnA));
    await ben.close();
    await until('Ben gone on A', () => gazesSeenBy(camera).size === 0);
    // A viewer on B was never sent anything of presence but its cue.
    expect(ada.events.filter((e) => e.event === 'gaze' || e.event === 'cue')).toEqual([]);
  });

  it('gives A’s camera the whole picture of B when its pipe opens after they looked', async () => {
    const [a, b] = (await nodes('node-a', 'node-b')) as [TestService, TestService];
    const camera = await client(a);
    await liveCamera(camera, ROOM, { audio: false });
    const ada = await client(b);
    await watchingViewer(ada, ROOM, { displayName: 'Ada' });
    await ada.request('reportGaze', { gaze: gaze(-100, -20) });
    const adaOnA = await until('Ada listed on A', () => standInOf(camera, 'Ada'));
    await until('A’s camera sees Ada', () => gazesSeenBy(camera).get(adaOnA)?.yaw === -100);
    // The camera reloads (a new connection on A): it gets the whole picture again, B's viewer in it.
    await camera.close();
    const again = await client(a);
    await liveCamera(again, ROOM, { audio: false });
    await until('the new camera sees Ada', () =>
      [...gazesSeenBy(again).values()].some((g) => g.yaw === -100),
    );
  });

  it('shows an operator on B the whole room, and makes its cue on A for every viewer', async () => {
    const [a, b] = (await nodes('node-a', 'node-b')) as [TestService, TestService];
    const camera = await client(a);
    await liveCamera(camera, ROOM, { audio: false });
    const cleo = await client(a);
    await watchingViewer(cleo, ROOM, { displayName: 'Cleo' });
    const ada = await client(b);
    await watchingViewer(ada, ROOM, { displayName: 'Ada' });
    const adaOnA = await until('Ada listed on A', () => standInOf(camera, 'Ada'));
    const cleoId = await until('Cleo listed', () => standInOf(camera, 'Cleo'));
    await cleo.request('reportGaze', { gaze: gaze(-60, 5) });
    await ada.request('reportGaze', { gaze: gaze(30) });
    await until('A’s camera sees both', () => gazesSeenBy(camera).size === 2);

    // The operator on B: Cleo (on A) and Ada (on B) where they look, by their ids on A, with their names.
    const op = await operator(b);
    await op.request('watchPresence', { room: ROOM });
    await until('B’s operator sees both', () => gazesSeenBy(op).size === 2);
    expect(gazesSeenBy(op).get(cleoId)).toEqual(gaze(-60, 5));
    expect(gazesSeenBy(op).get(adaOnA)).toEqual(gaze(30));
    expect(namesSeenBy(op)).toEqual(
      new Map([
        [cleoId, 'Cleo'],
        [adaOnA, 'Ada'],
      ]),
    );
    // A turn on A shows on B; a second operator on B gets the whole picture at once.
    await cleo.request('reportGaze', { gaze: gaze(-90, 5) });
    await until('Cleo’s turn on B', () => gazesSeenBy(op).get(cleoId)?.yaw === -90);
    const second = await operator(b);
    await second.request('watchPresence', { room: ROOM });
    await until('the second operator sees both', () => gazesSeenBy(second).size === 2);
    expect(gazesSeenBy(second).get(cleoId)?.yaw).toBe(-90);
    expect(namesSeenBy(second).get(cleoId)).toBe('Cleo');

    // The operator on B cues: both viewers get it; A's camera and both operators count it.
    const cleoCue = cleo.waitForEvent('lookHere');
    const adaCue = ada.waitForEvent('lookHere');
    const { cueId } = await op.request('lookHere', { room: ROOM, yaw: 10, pitch: -5 });
    expect((await cleoCue).data).toMatchObject({ cueId, yaw: 10, pitch: -5 });
    expect((await adaCue).data.cueId).toBe(cueId);
    const counted = (c: TestClient) =>
      c.events.flatMap((e) => (e.event === 'cue' && e.data.cueId === cueId ? [e.data] : [])).at(-1);
    await ada.request('cueSeen', { cueId });
    for (const c of [camera, op, second])
      await until('the look counted', () => counted(c)?.seen === 1 && counted(c)?.of === 2);

    // No operator on B watches any more: A stops sending B the picture.
    await op.request('watchPresence', { room: null });
    await second.close();
    const link = services[0]!.cluster!.originLinks(ROOM)[0]!;
    await until('A no longer feeds B', () => !link.feedsPresence);
    // Nor was any of it ever sent to a viewer.
    for (const v of [cleo, ada])
      expect(v.events.filter((e) => e.event === 'gaze' || e.event === 'cue')).toEqual([]);
  });
});
