// Recording through the operator's HTTP API against the real service: Debian's ffmpeg pushes the test
// picture and tone over RTMP, the recorder's own ffmpeg writes it, ffprobe and mkvpropedit's result are read
// back. Start/stop are idempotent; a source that goes and comes gives a second segment; a killed recorder
// marks the recording failed; the quota stops it; downloads are the file's bytes; delete, then 404.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RecordingInfo, RecordingLibrary, type RoomId } from '../protocol/index.js';
import { stagePerTest } from '../test-support/stage.js';
import type { Push } from '../test-support/ffmpeg-push.js';
import { rtmpCamera } from '../test-support/rtmp-camera.js';
import { until } from '../test-support/until.js';

const ROOM = 'lesson-rec' as RoomId;
const made: string[] = [];
const recordingsDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-recordings-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const stage = stagePerTest({ CAMERA_STALL_MS: '0', RECORDINGS_DIR: recordingsDir() });
const pushes: Push[] = [];
afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
});

const operator = async () => `Bearer ${(await stage.service.tokens.issue({ role: 'operator' }, 600)).token}`;

async function api(method: 'GET' | 'POST' | 'DELETE', url: string, auth?: string) {
  return stage.service.app.inject({
    method,
    url,
    headers: { authorization: auth ?? (await operator()) },
  });
}

/**
 * The RTMP test camera, with three keyframes a second: an RTMP source's picture is copied, so the recording
 * can start only at its next keyframe (a browser camera sends one when asked).
 */
async function push(seconds: number): Promise<Push> {
  const p = await rtmpCamera(stage.service, ROOM, { seconds, gop: 10 });
  pushes.push(p);
  return p;
}

const library = async () => RecordingLibrary.parse((await api('GET', '/api/recordings')).json());
const folder = (info: RecordingInfo) => path.join(stage.service.config.recordings.dir, info.id);
const duration = (file: string) =>
  Number(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
      encoding: 'utf8',
    }),
  );
const playsToTheEnd = (file: string) =>
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });

describe('recording a room (operator API)', () => {
  it('records 30 s to a 360 file and its MP4 copy; start and stop are idempotent; download; delete', async () => {
    await push(45);
    const t0 = Date.now();
    const started = await api('POST', `/api/rooms/${ROOM}/recording`);
    expect(started.statusCode).toBe(201);
    const info = RecordingInfo.parse(started.json());
    expect(info.id).toMatch(new RegExp(`^${ROOM}-\\d{8}-\\d{6}-[a-z0-9]{4}$`));
    const again = await api('POST', `/api/rooms/${ROOM}/recording`);
    expect(again.statusCode).toBe(200);
    expect(RecordingInfo.parse(again.json()).id).toBe(info.id);
    await until('recording', async () => (await library()).recordings[0]?.state === 'recording');
    // A running recording cannot be deleted.
    expect((await api('DELETE', `/api/recordings/${info.id}`)).statusCode).toBe(409);
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() - t0)));
    const stopped = RecordingInfo.parse((await api('DELETE', `/api/rooms/${ROOM}/recording`)).json());
    expect(stopped.state).toBe('finished');
    expect((await api('DELETE', `/api/rooms/${ROOM}/recording`)).json()).toMatchObject({ id: info.id });

    const listed = await until('the MP4 copy made', async () => {
      const r = (await library()).recordings.find((x) => x.id === info.id);
      return r?.segments[0]?.mp4 ? r : undefined;
    });
    expect(listed.segments).toHaveLength(1);
    const segment = listed.segments[0]!;
    expect(segment.file).toMatch(new RegExp(`^${ROOM}_\\d{8}-\\d{6}_1_360\\.mkv$`));
    expect(segment.codecs).toEqual(['video/H264', 'audio/opus']);
    const mkv = path.join(folder(listed), segment.file);
    expect(Math.abs(duration(mkv) - 30)).toBeLessThan(0.9); // within 3 %
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_streams', mkv], { encoding: 'utf8' });
    expect(probe).toContain('codec_name=h264');
    expect(probe).toContain('codec_name=opus');
    expect(probe).toContain('projection=equirectangular');
    expect(fs.readFileSync(path.join(folder(listed), segment.mp4!)).includes('sv3d')).toBe(true);

    const download = await api('GET', `/api/recordings/${info.id}/files/${segment.file}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toContain(segment.file);
    expect(Buffer.compare(download.rawPayload, fs.readFileSync(mkv))).toBe(0);
    // Only the recording's own files: no path reaches the disk.
    expect((await api('GET', `/api/recordings/${info.id}/files/recording.json`)).statusCode).toBe(404);
    expect((await api('GET', `/api/recordings/${info.id}/files/..%2F..%2Fetc%2Fpasswd`)).statusCode).toBe(
      404,
    );

    expect((await api('DELETE', `/api/recordings/${info.id}`)).statusCode).toBe(204);
    expect(fs.existsSync(folder(listed))).toBe(false);
    expect((await api('GET', `/api/recordings/${info.id}/files/${segment.file}`)).statusCode).toBe(404);
    const usage = await library();
    expect(usage.recordings).toEqual([]);
    expect(usage.freeBytes).toBeGreaterThan(0);
  }, 90_000);

  it('starts a new segment when the source goes and comes back; each plays to its end', async () => {
    const first = await push(60);
    await api('POST', `/api/rooms/${ROOM}/recording`);
    await until('recording', async () => (await library()).recordings[0]?.state === 'recording');
    await new Promise((r) => setTimeout(r, 4000));
    await first.stop();
    await until('waiting for a camera', async () => (await library()).recordings[0]?.state === 'waiting');
    await push(60);
    await until('second segment', async () => (await library()).recordings[0]?.segments.length === 2);
    await new Promise((r) => setTimeout(r, 4000));
    await api('DELETE', `/api/rooms/${ROOM}/recording`);
    const rec = await until('both made 360', async () => {
      const r = (await library()).recordings[0];
      return r?.segments.every((s) => s.mp4) ? r : undefined;
    });
    expect(rec.segments.map((s) => s.file)).toEqual([
      expect.stringMatching(/_1_360\.mkv$/),
      expect.stringMatching(/_2_360\.mkv$/),
    ]);
    for (const s of rec.segments) {
      const file = path.join(folder(rec), s.file);
      expect(duration(file)).toBeGreaterThan(2.5);
      expect(playsToTheEnd(file)).toBe('');
    }
  }, 60_000);

  it('starts a new segment when the picture’s layout changes, each file tagged and marked as it was', async () => {
    await push(40);
    await api('POST', `/api/rooms/${ROOM}/recording`);
    await until('recording', async () => (await library()).recordings[0]?.state === 'recording');
    await new Promise((r) => setTimeout(r, 3000));
    // The operator says the encoder sends top-bottom stereo: the room changes live.
    const relaid = await stage.service.app.inject({
      method: 'POST',
      url: '/api/links',
      headers: { authorization: await operator() },
      payload: { room: ROOM, encoderStream: { projection: 'stereo-360-tb', swapEyes: false } },
    });
    expect(relaid.statusCode).toBe(200);
    await until('second segment', async () => (await library()).recordings[0]?.segments.length === 2);
    await new Promise((r) => setTimeout(r, 3000));
    await api('DELETE', `/api/rooms/${ROOM}/recording`);
    const rec = await until('both made 360', async () => {
      const r = (await library()).recordings[0];
      return r?.segments.every((s) => s.mp4) ? r : undefined;
    });
    const [mono, stereo] = rec.segments;
    expect(mono!.projection).toBe('mono-360');
    expect(mono!.file).toMatch(/_1_360\.mkv$/);
    expect(stereo!.projection).toBe('stereo-360-tb');
    expect(stereo!.file).toMatch(/_2_360_TB\.mkv$/);
    const probe = (file: string) =>
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', path.join(folder(rec), file)], {
        encoding: 'utf8',
      });
    expect(probe(mono!.file)).not.toMatch(/top and bottom/);
    expect(probe(stereo!.file)).toMatch(/type=top and bottom/);
    for (const s of rec.segments) expect(playsToTheEnd(path.join(folder(rec), s.file))).toBe('');
  }, 60_000);

  it('marks the recording failed when its ffmpeg is killed; the room’s camera stays live', async () => {
    await push(40);
    await api('POST', `/api/rooms/${ROOM}/recording`);
    const running = await until('recording', async () => {
      const r = (await library()).recordings[0];
      return r?.state === 'recording' ? r : undefined;
    });
    // Killed once it has written something (the test picture: ~1.5 Mbit/s).
    const writing = path.join(folder(running), running.segments[0]!.file);
    await until('a second written', () => fs.existsSync(writing) && fs.statSync(writing).size > 300_000);
    const pid = stage.service.recorders.recordingOf(ROOM)!.pid!;
    process.kill(pid, 'SIGKILL');
    const rec = await until('failed', async () => {
      const r = (await library()).recordings[0];
      return r?.state === 'failed' ? r : undefined;
    });
    expect(rec.reason).toMatch(/was killed \(SIGKILL\)/);
    const file = path.join(folder(rec), rec.segments[0]!.file);
    expect(duration(file)).toBeGreaterThan(0.5);
    expect(playsToTheEnd(file)).toBe('');
    expect(stage.service.rooms.get(ROOM)?.camera?.listProducers()).toHaveLength(2);
  }, 40_000);

  it('refuses a room nobody is in, and anyone but an operator', async () => {
    const none = await api('POST', `/api/rooms/${ROOM}/recording`);
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({
      error: { code: 'not_found', message: `room ${ROOM} is not open on this server: nobody is in it` },
    });
    expect((await api('POST', `/api/rooms/${ROOM}/recording`, 'Bearer nonsense')).statusCode).toBe(401);
    expect((await api('GET', '/api/recordings', '')).statusCode).toBe(401);
    expect((await api('GET', '/api/recordings/not-an-id/files/x.mkv')).statusCode).toBe(404);
  });
});

describe('the recordings quota', () => {
  const small = stagePerTest({
    CAMERA_STALL_MS: '0',
    RECORDINGS_DIR: recordingsDir(),
    RECORDINGS_QUOTA_GB: String(1 / 1024), // 1 MiB: a few seconds of the test picture
  });

  it('stops the recording with the reason when reached; the live room goes on', async () => {
    const { service } = small;
    pushes.push(await rtmpCamera(service, ROOM, { seconds: 40 }));
    const auth = `Bearer ${(await service.tokens.issue({ role: 'operator' }, 600)).token}`;
    const call = (method: 'GET' | 'POST', url: string) =>
      service.app.inject({ method, url, headers: { authorization: auth } });
    expect((await call('POST', `/api/rooms/${ROOM}/recording`)).statusCode).toBe(201);
    const rec = await until(
      'stopped by the quota',
      async () => {
        const r = RecordingLibrary.parse((await call('GET', '/api/recordings')).json()).recordings[0];
        return r?.state === 'stopped' ? r : undefined;
      },
      { ms: 30_000 },
    );
    expect(rec.reason).toMatch(/quota .* is full/);
    expect(service.rooms.get(ROOM)?.camera?.listProducers()).toHaveLength(2);
    // A new start is refused while it is full.
    const refused = await call('POST', `/api/rooms/${ROOM}/recording`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'invalid_state' } });
  }, 60_000);
});
