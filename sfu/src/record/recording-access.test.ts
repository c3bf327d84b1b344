// Everything around a recording but its files' content, against the real service: the REC mark every peer
// in the room is told of (join, resume and an event), replay links and who may read a recording with what
// (operator, a link for this recording, nobody else; public replays in open rooms), byte ranges for seeking,
// and automatic recording when a room set so gets its camera.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RecordingInfo,
  RecordingLibrary,
  RecordingSettings,
  ReplayLink,
  type RecordingId,
  type RoomId,
} from '../protocol/index.js';
import type { Push } from '../test-support/ffmpeg-push.js';
import { rtmpCamera } from '../test-support/rtmp-camera.js';
import { stagePerTest } from '../test-support/stage.js';
import { RequestFailed } from '../test-support/ws-client.js';
import { until } from '../test-support/until.js';

const ROOM = 'lesson-access' as RoomId;
const stage = stagePerTest({ CAMERA_STALL_MS: '0' });
const pushes: Push[] = [];
afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
});

const operator = async () => `Bearer ${(await stage.service.tokens.issue({ role: 'operator' }, 600)).token}`;

async function api(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  opts: { auth?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return stage.service.app.inject({
    method,
    url,
    headers: { ...(opts.auth !== '' && { authorization: opts.auth ?? (await operator()) }), ...opts.headers },
    ...(opts.body !== undefined && { payload: opts.body as object }),
  });
}

/** A finished recording of a few seconds of the RTMP test camera. */
async function recordFewSeconds(): Promise<RecordingInfo> {
  pushes.push(await rtmpCamera(stage.service, ROOM, { seconds: 30, gop: 10 }));
  const { id } = RecordingInfo.parse((await api('POST', `/api/rooms/${ROOM}/recording`)).json());
  const library = async () => RecordingLibrary.parse((await api('GET', '/api/recordings')).json());
  await until('recording', async () => (await library()).recordings[0]?.state === 'recording');
  await new Promise((r) => setTimeout(r, 3000));
  await api('DELETE', `/api/rooms/${ROOM}/recording`);
  return until('made 360', async () => {
    const r = (await library()).recordings.find((x) => x.id === id);
    return r?.segments[0]?.mp4 ? r : undefined;
  });
}

describe('the REC mark', () => {
  it('tells the camera and every viewer while a recording runs, also those who join during it', async () => {
    const camera = await stage.connect();
    const first = await stage.connect();
    expect((await camera.request('join', { room: ROOM, role: 'camera' })).recording).toBe(false);
    expect((await first.request('join', { room: ROOM, role: 'viewer' })).recording).toBe(false);

    const on = [camera.waitForEvent('recordingChanged'), first.waitForEvent('recordingChanged')];
    expect((await api('POST', `/api/rooms/${ROOM}/recording`)).statusCode).toBe(201);
    for (const event of await Promise.all(on)) expect(event.data).toEqual({ recording: true });

    const late = await stage.connect();
    expect((await late.request('join', { room: ROOM, role: 'viewer' })).recording).toBe(true);
    const summary = (await (await stage.connect({ grant: { role: 'operator' } })).request('watchRooms', {}))
      .rooms;
    expect(summary.find((r) => r.room === ROOM)?.recording).toBe(true);

    const off = [camera, first, late].map((c) => c.waitForEvent('recordingChanged'));
    await api('DELETE', `/api/rooms/${ROOM}/recording`);
    for (const event of await Promise.all(off)) expect(event.data).toEqual({ recording: false });
  });
});

describe('replay links and who may read a recording', () => {
  it('a link opens its own recording and files, nothing else; byte ranges seek', async () => {
    const rec = await recordFewSeconds();
    const segment = rec.segments[0]!;
    const made = await api('POST', `/api/recordings/${rec.id}/link`);
    expect(made.statusCode).toBe(200);
    const link = ReplayLink.parse(made.json());
    expect(link.url).toMatch(new RegExp(`/replay/${rec.id}\\?t=${link.token}$`));

    const withLink = (url: string, headers: Record<string, string> = {}) =>
      api('GET', `${url}${url.includes('?') ? '&' : '?'}t=${link.token}`, { auth: '', headers });
    expect(RecordingInfo.parse((await withLink(`/api/recordings/${rec.id}`)).json()).id).toBe(rec.id);

    // Seeking: a byte range, then one past the end.
    const file = fs.readFileSync(path.join(stage.service.config.recordings.dir, rec.id, segment.mp4!));
    const part = await withLink(`/api/recordings/${rec.id}/files/${segment.mp4}`, {
      range: 'bytes=100-1099',
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-1099/${file.length}`);
    expect(part.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.compare(part.rawPayload, file.subarray(100, 1100))).toBe(0);
    const past = await withLink(`/api/recordings/${rec.id}/files/${segment.mp4}`, {
      range: `bytes=${file.length}-`,
    });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${file.length}`);
    const whole = await withLink(`/api/recordings/${rec.id}/files/${segment.mp4}?download=1`);
    expect(whole.headers['content-disposition']).toBe(`attachment; filename="${segment.mp4}"`);
    expect(Buffer.compare(whole.rawPayload, file)).toBe(0);

    // Without a link: 401. A link for another recording, a viewer's link, nonsense: refused.
    const bare = await api('GET', `/api/recordings/${rec.id}`, { auth: '' });
    expect(bare.statusCode).toBe(401);
    expect(bare.json()).toEqual({
      error: { code: 'unauthorized', message: 'this recording needs a replay link' },
    });
    const other = await stage.service.tokens.issue(
      { role: 'replay', recording: `${ROOM}-20260101-000000-abcd` as RecordingId },
      600,
    );
    const viewer = await stage.service.tokens.issue({ role: 'viewer', room: ROOM }, 600);
    for (const token of [other.token, viewer.token]) {
      const refused = await api('GET', `/api/recordings/${rec.id}/files/${segment.file}?t=${token}`, {
        auth: '',
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({
        error: { code: 'forbidden', message: 'this link is not for this recording' },
      });
    }
    expect((await api('GET', `/api/recordings/${rec.id}?t=nonsense`, { auth: '' })).statusCode).toBe(401);
    // The replay link lists nothing and operates nothing.
    expect((await api('GET', '/api/recordings', { auth: `Bearer ${link.token}` })).statusCode).toBe(403);

    // A replay link opens no room.
    const client = await stage.connect({ token: link.token });
    const join = client.request('join', { room: ROOM, role: 'viewer' });
    await expect(join).rejects.toBeInstanceOf(RequestFailed);
    await expect(join).rejects.toMatchObject({ code: 'forbidden' });
  }, 60_000);

  it('public replays: anyone reads the room’s recordings where rooms are open; refused where protected', async () => {
    const rec = await recordFewSeconds();
    expect((await api('GET', `/api/recordings/${rec.id}`, { auth: '' })).statusCode).toBe(401);
    const set = await api('PUT', `/api/rooms/${ROOM}/recording-settings`, { body: { publicReplays: true } });
    expect(RecordingSettings.parse(set.json())).toEqual({ autoRecord: false, publicReplays: true });
    expect((await api('GET', `/api/recordings/${rec.id}`, { auth: '' })).statusCode).toBe(200);
    const file = await api('GET', `/api/recordings/${rec.id}/files/${rec.segments[0]!.mp4}`, { auth: '' });
    expect(file.statusCode).toBe(200);
    // Only this room's: the listing and the operator's calls stay closed.
    expect((await api('GET', '/api/recordings', { auth: '' })).statusCode).toBe(401);

    await stage.restart({ CAMERA_STALL_MS: '0', ROOM_ACCESS: 'protected' });
    const refused = await api('PUT', `/api/rooms/${ROOM}/recording-settings`, {
      body: { publicReplays: true },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'invalid_state' } });
    const bad = await api('PUT', `/api/rooms/${ROOM}/recording-settings`, { body: { autoRecord: 'yes' } });
    expect(bad.statusCode).toBe(400);
  }, 60_000);
});

describe('automatic recording', () => {
  it('records when the camera of a room set so goes live, and keeps the setting across a restart', async () => {
    const set = await api('PUT', `/api/rooms/${ROOM}/recording-settings`, { body: { autoRecord: true } });
    expect(RecordingSettings.parse(set.json()).autoRecord).toBe(true);
    const other = 'lesson-other' as RoomId;
    pushes.push(await rtmpCamera(stage.service, ROOM, { seconds: 30, gop: 10 }));
    pushes.push(await rtmpCamera(stage.service, other, { seconds: 30, gop: 10 }));
    const library = async () => RecordingLibrary.parse((await api('GET', '/api/recordings')).json());
    const rec = await until('recording by itself', async () => {
      const r = (await library()).recordings.find((x) => x.room === ROOM);
      return r?.state === 'recording' ? r : undefined;
    });
    expect(rec.segments).toHaveLength(1);
    expect(stage.service.rooms.get(ROOM)?.recording).toBe(true);
    // A room not set so is not recorded.
    expect((await library()).recordings.some((r) => r.room === other)).toBe(false);
    expect(stage.service.rooms.get(other)?.recording).toBe(false);

    await Promise.all(pushes.splice(0).map((p) => p.stop()));
    const dataDir = stage.service.config.auth.dataDir;
    await stage.restart({ CAMERA_STALL_MS: '0', DATA_DIR: dataDir });
    const after = await api('GET', `/api/rooms/${ROOM}/recording-settings`);
    expect(RecordingSettings.parse(after.json())).toEqual({ autoRecord: true, publicReplays: false });
  }, 60_000);
});
