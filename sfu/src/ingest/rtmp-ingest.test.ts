// RTMP ingest end to end inside the service: Debian's ffmpeg pushes to the real RTMP listener, the real bridge
// (ffmpeg) sends RTP into real mediasoup. Copy or re-encode read from the bridge's own command line
// (/proc/<pid>/cmdline); the key, the one-source rule, a killed bridge, a source that ends.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { roomObjects } from '../test-support/service.js';
import { stagePerTest } from '../test-support/stage.js';
import { isAlive, startPush, type Push, type PushOptions } from '../test-support/ffmpeg-push.js';
import { until } from '../test-support/until.js';

const ROOM = 'rtmp-room' as RoomId;
const stage = stagePerTest({ CAMERA_STALL_MS: '0' });
const pushes: Push[] = [];
afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
});

async function url(room: RoomId = ROOM, key?: string): Promise<string> {
  const { service } = stage;
  const k = key ?? (await service.ingestLinks.settings.keyFor(room));
  return `rtmp://127.0.0.1:${service.rtmp!.port}/live/${room}/${k}`;
}

function push(target: string, o: PushOptions = {}): Push {
  const p = startPush(target, o);
  pushes.push(p);
  return p;
}

/** Bytes the camera's producer of `kind` has received so far. */
async function received(kind: 'audio' | 'video', room: RoomId = ROOM): Promise<number | undefined> {
  const producer = stage.service.rooms
    .get(room)
    ?.camera?.listProducers()
    .find((p) => p.kind === kind);
  if (!producer) return undefined;
  const stats = await producer.getStats();
  return stats.reduce((n, s) => n + s.byteCount, 0);
}

async function flowing(kind: 'audio' | 'video'): Promise<void> {
  const before = await until(`${kind} producer`, () => received(kind));
  await until(`${kind} bytes`, async () => ((await received(kind)) ?? 0) > before + 1000);
}

const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

describe('RTMP ingest', () => {
  it('copies Baseline H264 and makes AAC Opus; the room shows an RTMP camera', async () => {
    push(await url());
    await flowing('video');
    await flowing('audio');
    const ingest = stage.service.rtmp!.of(ROOM)!;
    expect(ingest.plan?.video?.mode).toBe('copy');
    const command = cmdline(ingest.pid!);
    expect(command).toContain('-c:v copy');
    expect(command).toContain('-c:a libopus');
    const camera = stage.service.rooms.get(ROOM)!.camera!;
    expect(camera.source).toBe('rtmp');
    expect(camera.reencoded).toBe(false);
    expect(camera.stats).toMatchObject({ width: 640, height: 320 });
  });

  it('re-encodes a stream with B-frames', async () => {
    push(await url(), { bframes: true });
    await flowing('video');
    const ingest = stage.service.rtmp!.of(ROOM)!;
    expect(ingest.plan?.video).toMatchObject({ mode: 're-encode', why: 'the stream has B-frames' });
    expect(cmdline(ingest.pid!)).toMatch(/-c:v libx264 .*-bf 0/);
  });

  it('refuses a wrong key and a second source, telling the encoder why', async () => {
    const wrong = await push(await url(ROOM, 'not-the-key'), { seconds: 5 }).exited;
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(`wrong stream key for room ${ROOM}`);
    expect(stage.service.rooms.get(ROOM)?.camera).toBeUndefined();

    push(await url());
    await flowing('video');
    const second = await push(await url(), { seconds: 5 }).exited;
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('already has a camera (rtmp)');
    await flowing('video'); // the first source is undisturbed
  });

  it('restarts a killed bridge: media flows again without the encoder reconnecting', async () => {
    const source = push(await url());
    await flowing('video');
    const ingest = stage.service.rtmp!.of(ROOM)!;
    const first = ingest.pid!;
    const camera = stage.service.rooms.get(ROOM)!.camera!;
    const producer = camera.listProducers().find((p) => p.kind === 'video')!;
    const killedAt = Date.now();
    process.kill(first, 'SIGKILL');
    await until('a new bridge', () => ingest.pid !== undefined && ingest.pid !== first);
    await flowing('video');
    expect(Date.now() - killedAt).toBeLessThan(5000);
    // The same camera with new tracks (a new ffmpeg's RTP is a new stream): viewers follow as for a reload.
    expect(stage.service.rooms.get(ROOM)!.camera?.id).toBe(camera.id);
    expect(producer.closed).toBe(true);
    expect(source.child.exitCode).toBeNull();
    expect(isAlive(first)).toBe(false);
  });

  it('a source that ends leaves no camera, no bridge and nothing in mediasoup', async () => {
    const source = push(await url(), { seconds: 3 });
    await flowing('video');
    const pid = stage.service.rtmp!.of(ROOM)!.pid!;
    await source.exited;
    await until('the camera to leave', () => stage.service.rooms.get(ROOM)?.camera === undefined);
    await until('the bridge to exit', () => !isAlive(pid));
    expect(stage.service.rtmp!.of(ROOM)).toBeUndefined();
    const objects = await roomObjects(stage.service, ROOM);
    expect(objects?.transportIds ?? []).toEqual([]);
  });

  it('a room that closes ends its ingest: the bridge exits, the encoder is told', async () => {
    const source = push(await url());
    await flowing('video');
    const pid = stage.service.rtmp!.of(ROOM)!.pid!;
    stage.service.rooms.get(ROOM)!.close('closed by an operator');
    await until('the bridge to exit', () => !isAlive(pid));
    const { code } = await source.exited;
    expect(code).not.toBe(0);
    expect(stage.service.rtmp!.of(ROOM)).toBeUndefined();
  });

  it('takes audio-only and video-only sources', async () => {
    const audioOnly = push(await url(), { video: false });
    await flowing('audio');
    expect(await received('video')).toBeUndefined();
    expect(stage.service.rtmp!.of(ROOM)!.plan).toEqual({ audio: true });
    await audioOnly.stop();
    await until('the camera to leave', () => stage.service.rooms.get(ROOM)?.camera === undefined);
    push(await url(), { audio: false });
    await flowing('video');
    expect(await received('audio')).toBeUndefined();
  });

  it("lays the picture out as the URL says, else as the room's setting, which an operator changes live", async () => {
    const { service } = stage;
    await service.ingestLinks.settings.setStream(ROOM, { projection: 'stereo-360-tb', swapEyes: true });
    const first = push(await url());
    await flowing('video');
    expect(service.rooms.get(ROOM)!.stream).toEqual({ projection: 'stereo-360-tb', swapEyes: true });
    const operator = (await service.tokens.issue({ role: 'operator' }, 600)).token;
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/links',
      headers: { authorization: `Bearer ${operator}` },
      payload: { room: ROOM, encoderStream: { projection: 'mono-180', swapEyes: false } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ encoderStream: unknown }>().encoderStream).toEqual({
      projection: 'mono-180',
      swapEyes: false,
    });
    expect(service.rooms.get(ROOM)!.stream.projection).toBe('mono-180');
    await first.stop();
    await until('the camera to leave', () => service.rooms.get(ROOM)?.camera === undefined);
    push(`${await url()}?projection=stereo-180-sbs`);
    await flowing('video');
    expect(service.rooms.get(ROOM)!.stream.projection).toBe('stereo-180-sbs');
  });
});
