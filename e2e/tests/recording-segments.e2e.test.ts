// A stereo lesson whose camera changes codec while it is recorded: the recording gets two segments (H264 in
// Matroska, then VP8 in WebM), each playable to its end and marked top-bottom 360 for players; the replay
// viewer in a headset gives each eye its half of either segment.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { RecordingInfo, ReplayLink } from '../../sfu/src/protocol/index.js';
import { hashPassword } from '../../sfu/src/auth/password.js';
import { launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { startService, type RunningService } from '../support/service.js';
import { untilPicture } from '../support/screenshots.js';
import { inSession, installHeadset } from '../support/xr-emulator.js';
import { leftHalf, redMinusBlue, rightHalf, type Picture } from '../support/pixels.js';

const ROOM = 'e2e-segments';
const PASSWORD = 'segments test password';
const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-e2e-segments-'));

let service: RunningService;
let browser: Browser;
let camera: Page;
let token: string;

async function api(method: 'GET' | 'POST' | 'DELETE', url: string): Promise<unknown> {
  const res = await fetch(`${service.url}${url}`, { method, headers: { authorization: `Bearer ${token}` } });
  expect(res.ok, `${method} ${url}: ${res.status}`).toBe(true);
  return res.json();
}

const recording = async (id: string) => RecordingInfo.parse(await api('GET', `/api/recordings/${id}`));
const probe = (file: string) =>
  execFileSync('ffprobe', ['-v', 'error', '-show_streams', file], { encoding: 'utf8' });
const playsToTheEnd = (file: string) =>
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
/** The left eye sees the red-tinted (top) picture, the right eye the blue-tinted (bottom) one. */
const eyesapart = (p: Picture) => redMinusBlue(p, leftHalf(p)) > 25 && redMinusBlue(p, rightHalf(p)) < -25;

beforeAll(async () => {
  service = await startService({
    OPERATOR_PASSWORD_HASH: await hashPassword(PASSWORD),
    RECORDINGS_DIR: recordingsDir,
  });
  const login = await fetch(`${service.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password: PASSWORD }),
  });
  token = ((await login.json()) as { token: string }).token;
  browser = await launchBrowser();
  camera = await startCamera(browser, `${service.url}/camera/${ROOM}`, {
    projection: 'stereo-360-tb',
    codec: 'video/H264',
    adaptive: false,
  });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  fs.rmSync(recordingsDir, { recursive: true, force: true });
});

describe('a codec change mid-recording', () => {
  let rec: RecordingInfo;

  it('gives two segments, H264 in Matroska then VP8 in WebM, each playable to its end and 360 top-bottom', async () => {
    const { id } = RecordingInfo.parse(await api('POST', `/api/rooms/${ROOM}/recording`));
    await expect.poll(async () => (await recording(id)).state, { timeout: 10_000 }).toBe('recording');
    await camera.waitForTimeout(5000);
    await camera.getByTestId('codec').selectOption('video/VP8');
    await expect.poll(async () => (await recording(id)).segments.length, { timeout: 15_000 }).toBe(2);
    await camera.waitForTimeout(5000);
    await api('DELETE', `/api/rooms/${ROOM}/recording`);
    await expect.poll(async () => (await recording(id)).segments[0]?.mp4, { timeout: 15_000 }).toBeDefined();
    rec = await recording(id);

    const [first, second] = rec.segments;
    expect(first!.file).toMatch(/_1_360_TB\.mkv$/);
    expect(first!.codecs).toEqual(['video/H264', 'audio/opus']);
    expect(second!.file).toMatch(/_2_360_TB\.webm$/);
    expect(second!.codecs).toContain('video/VP8');
    expect(second!.mp4).toBeUndefined(); // VP8 has no MP4 form
    for (const [segment, codec] of [
      [first!, 'h264'],
      [second!, 'vp8'],
    ] as const) {
      const file = path.join(recordingsDir, rec.id, segment.file);
      const streams = probe(file);
      expect(streams).toContain(`codec_name=${codec}`);
      expect(streams).toContain('codec_name=opus');
      expect(streams).toContain('projection=equirectangular');
      expect(streams).toMatch(/type=top and bottom/);
      expect(playsToTheEnd(file)).toBe('');
      const seconds = Number(
        execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
          encoding: 'utf8',
        }),
      );
      expect(seconds).toBeGreaterThan(3);
    }
    const mp4 = fs.readFileSync(path.join(recordingsDir, rec.id, first!.mp4!));
    expect(mp4.includes('sv3d') && mp4.includes('st3d')).toBe(true);
  }, 60_000);

  it('replays in a headset: each eye its half, in either segment', async () => {
    const link = ReplayLink.parse(await api('POST', `/api/recordings/${rec.id}/link`));
    const { context, page } = await newPage(browser);
    await installHeadset(context);
    await page.goto(link.url);
    await page.locator('main[data-state="paused"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('main').getAttribute('data-projection')).toBe('stereo-360-tb');
    await page.getByRole('button', { name: 'Enter VR' }).click();
    await expect.poll(() => inSession(page)).toBe(true);
    expect(eyesapart(await untilPicture(page, 'replay-segment-1', eyesapart))).toBe(true);

    await page.getByLabel('segment').selectOption({ label: 'Part 2 of 2' });
    await expect
      .poll(() => page.evaluate(() => document.querySelector('video')!.currentSrc))
      .toContain(encodeURIComponent(rec.segments[1]!.file));
    await page.locator('main[data-state="paused"]').waitFor({ timeout: 15_000 });
    const p = await untilPicture(page, 'replay-segment-2', eyesapart);
    expect(redMinusBlue(p, leftHalf(p))).toBeGreaterThan(25);
    expect(redMinusBlue(p, rightHalf(p))).toBeLessThan(-25);
    await context.close();
  });
});
