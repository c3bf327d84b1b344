// Presence over real signaling: gazes reach the camera and watching operators and no viewer, batched; bad
// and too-frequent reports are refused with the connection alive; "look here" goes to the viewers and comes
// back counted; nothing about a gaze is logged.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyEvent, Gaze, PeerId, RoomId } from '../protocol/index.js';
import { startTestService, type TestService } from '../test-support/service.js';
import { liveCamera, stagePerTest, watchingViewer } from '../test-support/stage.js';
import { TestClient } from '../test-support/ws-client.js';
import { until } from '../test-support/until.js';
import { gazesSeenBy, lastAudience } from '../test-support/presence.js';

const SECRET = 'presence-test-secret-long-enough-0123456789';
const room = 'presence' as RoomId;
const stage = stagePerTest({ TOKEN_SECRET: SECRET });

const gaze = (yaw: number, pitch = 0): Gaze => ({ yaw, pitch, hfov: 100, vfov: 70 });

async function classroom(names: string[]) {
  const camera = await stage.connect({ grant: { role: 'camera', room } });
  await liveCamera(camera, room, { audio: false });
  const viewers: { c: TestClient; peerId: PeerId }[] = [];
  for (const displayName of names) {
    const c = await stage.connect();
    const { joined } = await watchingViewer(c, room, { displayName });
    viewers.push({ c, peerId: joined.peerId });
  }
  return { camera, viewers };
}

const presenceEvents = (c: TestClient) =>
  c.events.filter((e: AnyEvent) => e.event === 'gaze' || e.event === 'cue');

const sharing = (c: TestClient, peerId: PeerId) =>
  lastAudience(c).find((v) => v.peerId === peerId)?.sharesGaze;

describe('gaze', () => {
  it('reaches the camera and a watching operator, never another viewer', async () => {
    const { camera, viewers } = await classroom(['Ada', 'Ben']);
    const [ada, ben] = viewers as [(typeof viewers)[0], (typeof viewers)[0]];
    const operator = await stage.connect({ grant: { role: 'operator' } });
    await operator.request('watchRooms', {});
    await operator.request('watchPresence', { room });

    expect(sharing(camera, ada.peerId)).toBe(false);
    await ada.c.request('reportGaze', { gaze: gaze(90, 10) });
    await ben.c.request('reportGaze', { gaze: gaze(-30) });
    await until('the camera sees both', () => gazesSeenBy(camera).size === 2);
    expect(gazesSeenBy(camera).get(ada.peerId)).toEqual(gaze(90, 10));
    await until('the operator sees both', () => gazesSeenBy(operator).size === 2);
    expect(sharing(camera, ada.peerId)).toBe(true);

    // Ada stops sharing: gone from the camera's picture, marked as not sharing.
    await ada.c.request('reportGaze', { gaze: null });
    await until('Ada gone', () => !gazesSeenBy(camera).has(ada.peerId));
    expect(sharing(camera, ada.peerId)).toBe(false);
    // Ben leaves: gone too.
    await ben.c.request('leave', {});
    await until('Ben gone', () => gazesSeenBy(operator).size === 0);

    // No viewer was ever sent anything of presence.
    expect(presenceEvents(ada.c)).toEqual([]);
    expect(presenceEvents(ben.c)).toEqual([]);
  });

  it('is batched: many reports reach the camera as a few messages', async () => {
    const { camera, viewers } = await classroom(['Ada', 'Ben', 'Cy']);
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      await Promise.all(viewers.map((v, n) => v.c.request('reportGaze', { gaze: gaze(i * 10 + n) })));
      await new Promise((r) => setTimeout(r, 110));
    }
    await until('the last reports', () => gazesSeenBy(camera).get(viewers[2]!.peerId)?.yaw === 92);
    const seconds = (Date.now() - started) / 1000;
    const messages = camera.events.filter((e) => e.event === 'gaze').length;
    // 30 reports, at most ten relays a second (and the first, whole picture).
    expect(messages).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 1);
    expect(messages).toBeLessThan(30);
  });

  it('is taken as a notification: no answer when relayed, a typed one (id null) when refused', async () => {
    const { camera, viewers } = await classroom(['Ada']);
    const ada = viewers[0]!.c;
    ada.notify('reportGaze', { gaze: gaze(-60, 5) });
    await until('the camera has it', () => gazesSeenBy(camera).get(viewers[0]!.peerId)?.yaw === -60);
    const refused = ada.nextOrphanError();
    ada.sendRaw(JSON.stringify({ type: 'notify', method: 'reportGaze', data: { gaze: { yaw: 999 } } }));
    expect((await refused).code).toBe('bad_request');
    // Nothing else came back: the connection answers the next request as usual.
    await ada.request('ping', {});
    expect(ada.orphanErrors).toHaveLength(1);
  });

  it('gives a camera that comes later the whole picture at once', async () => {
    const viewer = await stage.connect();
    const { joined } = await watchingViewer(viewer, room, { displayName: 'Ada' });
    await viewer.request('reportGaze', { gaze: gaze(45, -5) });
    const camera = await stage.connect({ grant: { role: 'camera', room } });
    const first = camera.waitForEvent('gaze');
    await liveCamera(camera, room, { audio: false });
    expect((await first).data).toEqual({
      room,
      full: true,
      viewers: [{ peerId: joined.peerId, gaze: gaze(45, -5) }],
    });
  });

  it('refuses bad and too frequent reports with typed errors, and the connection lives', async () => {
    const { camera, viewers } = await classroom(['Ada']);
    const ada = viewers[0]!.c;
    expect(await ada.expectError('reportGaze', { gaze: { yaw: 200, pitch: 0, hfov: 90, vfov: 60 } })).toBe(
      'bad_request',
    );
    expect(await ada.expectError('reportGaze', { gaze: { yaw: 0, pitch: -91, hfov: 90, vfov: 60 } })).toBe(
      'bad_request',
    );
    expect(await ada.expectError('reportGaze', { gaze: { yaw: 0, pitch: 0, hfov: 0, vfov: 60 } })).toBe(
      'bad_request',
    );
    // Twelve at once: the burst passes, the rest is refused.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ada.expectError('reportGaze', { gaze: gaze(i) })),
    );
    expect(answers.filter((a) => a === undefined).length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((a) => a === 'too_frequent').length).toBeGreaterThanOrEqual(6);
    expect(ada.isOpen).toBe(true);
    await ada.request('ping', {});
    // A second later it may report again.
    await new Promise((r) => setTimeout(r, 1000));
    await ada.request('reportGaze', { gaze: gaze(33) });
    await until('the camera has the new gaze', () => gazesSeenBy(camera).get(viewers[0]!.peerId)?.yaw === 33);
    // A camera has no gaze to share; an anonymous connection is not in a room.
    expect(await camera.expectError('reportGaze', { gaze: gaze(0) })).toBe('forbidden');
    const stranger = await stage.connect();
    expect(await stranger.expectError('reportGaze', { gaze: gaze(0) })).toBe('not_joined');
  });
});

describe('look here', () => {
  it('goes to every viewer; each one that looks is counted once; a viewer may not cue', async () => {
    const { camera, viewers } = await classroom(['Ada', 'Ben']);
    const [ada, ben] = viewers as [(typeof viewers)[0], (typeof viewers)[0]];
    expect(await ada.c.expectError('lookHere', { yaw: 0, pitch: 0 })).toBe('forbidden');

    const toAda = ada.c.waitForEvent('lookHere');
    const toBen = ben.c.waitForEvent('lookHere');
    const { cueId } = await camera.request('lookHere', { yaw: 120, pitch: -10 });
    expect((await toAda).data).toEqual({ cueId, yaw: 120, pitch: -10, durationMs: 10_000 });
    expect((await toBen).data.cueId).toBe(cueId);
    const progress = () => {
      const last = camera.events.filter((e) => e.event === 'cue').at(-1);
      return last?.event === 'cue' ? last.data : undefined;
    };
    expect(progress()).toMatchObject({ room, cueId, seen: 0, of: 2 });

    await ada.c.request('cueSeen', { cueId });
    await ada.c.request('cueSeen', { cueId }); // again: still one
    await until('one has looked', () => progress()?.seen === 1);
    expect(progress()).toMatchObject({ seen: 1, of: 2 });
    expect(await ben.c.expectError('cueSeen', { cueId: 'not-a-cue' })).toBe('not_found');

    // Ben leaves: one of one.
    await ben.c.request('leave', {});
    await until('Ben no longer counted', () => progress()?.of === 1);
    expect(progress()?.seen).toBe(1);
    // The cue and its count never reach a viewer.
    expect(ada.c.events.some((e) => e.event === 'cue')).toBe(false);
  });

  it('an operator cues a room it names, and follows the count', async () => {
    const { viewers } = await classroom(['Ada']);
    const operator = await stage.connect({ grant: { role: 'operator' } });
    await operator.request('watchRooms', {});
    await operator.request('watchPresence', { room });
    expect(await operator.expectError('lookHere', { yaw: 10, pitch: 0 })).toBe('bad_request');
    expect(await operator.expectError('lookHere', { yaw: 10, pitch: 0, room: 'nowhere' })).toBe('not_found');
    const told = viewers[0]!.c.waitForEvent('lookHere');
    const { cueId } = await operator.request('lookHere', { yaw: 10, pitch: 5, room });
    expect((await told).data.cueId).toBe(cueId);
    await viewers[0]!.c.request('cueSeen', { cueId });
    await until('the operator sees it counted', () =>
      operator.events.some((e) => e.event === 'cue' && e.data.cueId === cueId && e.data.seen === 1),
    );
    // An anonymous connection may neither cue nor watch.
    const stranger = await stage.connect();
    expect(await stranger.expectError('lookHere', { yaw: 0, pitch: 0, room })).toBe('forbidden');
    expect(await stranger.expectError('watchPresence', { room })).toBe('forbidden');
  });
});

describe('privacy', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.app.close();
    service = undefined;
  });

  it('never writes a gaze or a cue to the log, even at debug level', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    service = await startTestService({ LOG_LEVEL: 'debug', TOKEN_SECRET: SECRET }, { logStream: stream });
    const s = service;
    const connect = async (role?: 'camera') => {
      const token = role && (await s.tokens.issue({ role, room }, 600)).token;
      return TestClient.connect(token ? `${s.wsUrl}?token=${token}` : s.wsUrl);
    };
    const camera = await connect('camera');
    await liveCamera(camera, room, { audio: false });
    const viewer = await connect();
    await watchingViewer(viewer, room, { displayName: 'Ada' });
    // Unusual numbers, to be found if they were logged anywhere.
    await viewer.request('reportGaze', {
      gaze: { yaw: 123.456, pitch: -12.345, hfov: 98.765, vfov: 54.321 },
    });
    await viewer.expectError('reportGaze', { gaze: { yaw: 234.567, pitch: 0, hfov: 90, vfov: 60 } });
    const { cueId } = await camera.request('lookHere', { yaw: -87.654, pitch: 7.891 });
    await viewer.request('cueSeen', { cueId });
    await until('the camera has the gaze', () => gazesSeenBy(camera).size === 1);
    await Promise.all([camera.close(), viewer.close()]);
    expect(lines.length).toBeGreaterThan(10);
    const log = lines.join('\n');
    for (const n of ['123.45', '12.345', '98.76', '54.32', '234.56', '87.65', '7.891'])
      expect(log).not.toContain(n);
  });
});
