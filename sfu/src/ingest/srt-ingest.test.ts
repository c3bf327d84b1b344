// SRT ingest inside the service: Debian's ffmpeg calls the one SRT port with streamid=<room>:<key>, the
// proxy routes it to its own srt-live-transmit, the bridge sends RTP into real mediasoup. Refusals arrive at
// the caller as SRT rejection codes.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { roomObjects } from '../test-support/service.js';
import { stagePerTest } from '../test-support/stage.js';
import { startPush, type Push, type PushOptions } from '../test-support/ffmpeg-push.js';
import { until } from '../test-support/until.js';

const ROOM = 'srt-room' as RoomId;
const stage = stagePerTest({ CAMERA_STALL_MS: '0' });
const pushes: Push[] = [];
afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
});

async function url(key?: string): Promise<string> {
  const { service } = stage;
  const k = key ?? (await service.ingestLinks.settings.keyFor(ROOM));
  return `srt://127.0.0.1:${service.srt!.port}?streamid=${ROOM}:${k}`;
}

function push(target: string, o: PushOptions = {}): Push {
  const p = startPush(target, o);
  pushes.push(p);
  return p;
}

async function received(kind: 'audio' | 'video'): Promise<number> {
  const producer = stage.service.rooms
    .get(ROOM)
    ?.camera?.listProducers()
    .find((p) => p.kind === kind);
  return producer ? (await producer.getStats()).reduce((n, s) => n + s.byteCount, 0) : -1;
}

async function flowing(kind: 'audio' | 'video'): Promise<void> {
  await until(`${kind} producer`, async () => (await received(kind)) >= 0);
  const before = await received(kind);
  await until(`${kind} bytes`, async () => (await received(kind)) > before + 1000);
}

describe('SRT ingest', () => {
  it('routes by streamid, copies Baseline H264 and makes AAC Opus', async () => {
    push(await url());
    await flowing('video');
    await flowing('audio');
    const camera = stage.service.rooms.get(ROOM)!.camera!;
    expect(camera.source).toBe('srt');
    expect(stage.service.srt!.of(ROOM)!.plan?.video?.mode).toBe('copy');
    expect(camera.stats).toMatchObject({ width: 640, height: 320 });
  });

  it('re-encodes a stream with B-frames', async () => {
    push(await url(), { bframes: true });
    await flowing('video');
    expect(stage.service.srt!.of(ROOM)!.plan?.video).toMatchObject({ mode: 're-encode' });
  });

  it('rejects a wrong key with SRT reason 1401, and leaves the room without a camera', async () => {
    const wrong = await push(await url('wrong-key'), { seconds: 5 }).exited;
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/reject|1401/i);
    expect(stage.service.rooms.get(ROOM)?.camera).toBeUndefined();
  });

  it('a caller that hangs up leaves no camera and nothing in mediasoup', async () => {
    const source = push(await url(), { seconds: 7 });
    await flowing('video');
    await source.exited;
    await until('the camera to leave', () => stage.service.rooms.get(ROOM)?.camera === undefined, {
      ms: 20_000,
    });
    expect(stage.service.srt!.of(ROOM)).toBeUndefined();
    expect((await roomObjects(stage.service, ROOM))?.transportIds ?? []).toEqual([]);
  });
});
