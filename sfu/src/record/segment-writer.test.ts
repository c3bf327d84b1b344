// A recording segment against the real service: Debian's ffmpeg pushes a test picture and tone over RTMP into
// a room (H264 copied, Opus), the segment writer consumes the camera into its own ffmpeg, and the file is
// checked with ffprobe: codecs, duration, then the 360 metadata mkvpropedit adds and the MP4 copy's sv3d box.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { stagePerTest } from '../test-support/stage.js';
import { startPush, isAlive, type Push } from '../test-support/ffmpeg-push.js';
import { until } from '../test-support/until.js';
import { SegmentWriter } from './segment-writer.js';
import { finalizeSegment } from './finalize.js';
import { BACKGROUND_NICENESS } from './background.js';

const ROOM = 'rec-room' as RoomId;
const stage = stagePerTest({ CAMERA_STALL_MS: '0' });
const pushes: Push[] = [];
const writers: SegmentWriter[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.stop()));
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
});

interface Probe {
  streams: {
    codec_type: string;
    codec_name: string;
    side_data_list?: { side_data_type: string; projection?: string; type?: string }[];
  }[];
  format: { duration: string };
}
const probe = (file: string): Probe =>
  JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  ) as Probe;

async function liveRtmpCamera(seconds: number) {
  const { service } = stage;
  const key = await service.ingestLinks.settings.keyFor(ROOM);
  // Three keyframes a second: the copied RTMP picture can start a file only at a keyframe.
  pushes.push(startPush(`rtmp://127.0.0.1:${service.rtmp!.port}/live/${ROOM}/${key}`, { seconds, gop: 10 }));
  const room = await until('camera live', () => {
    const r = service.rooms.get(ROOM);
    return (r?.camera?.listProducers().length ?? 0) === 2 ? r : undefined;
  });
  return room;
}

function writer(room: Awaited<ReturnType<typeof liveRtmpCamera>>, failed: string[] = [], ffmpeg = 'ffmpeg') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-rec-'));
  return SegmentWriter.start({
    router: room.home.router,
    producers: room.camera!.listProducers(),
    basePath: path.join(dir, 'lesson_360'),
    ffmpeg,
    log: stage.service.app.log,
    onFailed: (reason) => failed.push(reason),
  }).then((w) => (writers.push(w), w));
}

describe('a recording segment', () => {
  it('writes the camera without re-encoding, then gets its 360 metadata and an MP4 copy with sv3d', async () => {
    const room = await liveRtmpCamera(30);
    const w = await writer(room);
    // Background work: it gives way to the live room on a busy machine.
    expect(os.getPriority(w.pid)).toBe(BACKGROUND_NICENESS);
    await new Promise((r) => setTimeout(r, 6000));
    expect(await w.stop()).toEqual({ ok: true });
    expect(w.file).toMatch(/lesson_360\.mkv$/);
    const raw = probe(w.file);
    expect(raw.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([
      ['video', 'h264'],
      ['audio', 'opus'],
    ]);
    expect(Number(raw.format.duration)).toBeGreaterThan(5.4);
    expect(Number(raw.format.duration)).toBeLessThan(6.6);

    const { mp4 } = await finalizeSegment(
      w.file,
      { projection: 'stereo-360-tb', swapEyes: false },
      'video/H264',
      { ffmpeg: 'ffmpeg', mkvpropedit: 'mkvpropedit' },
    );
    const side = probe(w.file).streams[0]!.side_data_list ?? [];
    expect(side).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ side_data_type: 'Spherical Mapping', projection: 'equirectangular' }),
        expect.objectContaining({ side_data_type: 'Stereo 3D', type: 'top and bottom' }),
      ]),
    );
    expect(mp4).toMatch(/\.mp4$/);
    const bytes = fs.readFileSync(mp4!);
    expect(bytes.includes('sv3d')).toBe(true);
    expect(bytes.includes('st3d')).toBe(true);
    expect(probe(mp4!).streams.map((s) => s.codec_name)).toEqual(['h264', 'opus']);
  });

  it('loses nothing to a slow ffmpeg start: the file begins when the segment was asked for', async () => {
    const room = await liveRtmpCamera(30);
    // ffmpeg as on a busy machine, where loading its libraries alone takes a second or more.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-slow-ffmpeg-'));
    const slow = path.join(dir, 'ffmpeg');
    fs.writeFileSync(slow, '#!/bin/sh\nsleep 1.5\nexec ffmpeg "$@"\n', { mode: 0o755 });
    const askedAt = Date.now();
    const w = await writer(room, [], slow);
    expect(Date.now() - askedAt).toBeGreaterThan(1500);
    await new Promise((r) => setTimeout(r, askedAt + 5000 - Date.now()));
    expect(await w.stop()).toEqual({ ok: true });
    // From the request to the stop, less the wait for the camera's next keyframe (three a second).
    const seconds = Number(probe(w.file).format.duration);
    expect(seconds).toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(5.5);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('marks itself failed when its ffmpeg is killed, and what it wrote stays playable', async () => {
    const room = await liveRtmpCamera(30);
    const failed: string[] = [];
    const w = await writer(room, failed);
    // Killed once it has written something (the test picture: ~1.5 Mbit/s).
    await until('a second written', () => fs.existsSync(w.file) && fs.statSync(w.file).size > 300_000);
    process.kill(w.pid!, 'SIGKILL');
    const end = await w.end;
    expect(end.ok).toBe(false);
    expect(failed).toEqual([expect.stringContaining('was killed (SIGKILL)')]);
    expect(isAlive(w.pid!)).toBe(false);
    // Its transports went with it; the camera stays live for everyone else.
    expect(w.consumers.every((c) => c.closed)).toBe(true);
    expect(room.camera?.listProducers()).toHaveLength(2);
    const written = probe(w.file);
    expect(written.streams.map((s) => s.codec_name)).toEqual(['h264', 'opus']);
    // Decodes to the end without an error.
    execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', w.file, '-f', 'null', '-']);
  });
});
