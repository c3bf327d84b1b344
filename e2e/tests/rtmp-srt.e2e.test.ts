// RTMP and SRT cameras, pushed by Debian's ffmpeg from clips it generated: three Chromium viewers decode the
// picture and hear the tone as Opus. Copy or re-encode is read from the bridge's command line in the service's
// log. A killed bridge comes back on its own; a wrong key or a second source is refused while the viewers of
// the live one keep decoding; a source that stops leaves the viewers waiting and no bridge behind.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { JoinLinks } from '@inclubit/sfu/protocol';
import { launchBrowser } from '../support/browser.js';
import { makeClip, startEncoder, type Encoder } from '../support/encoder.js';
import { isAlive } from '../../sfu/src/test-support/ffmpeg-push.js';
import { startService, type RunningService } from '../support/service.js';
import { operatorLinks } from '../support/network-stage.js';
import { openViewer } from '../support/viewer.js';
import { audioLevel, inboundStreams, progressOver, waitForMediaFlow } from '../support/webrtc.js';

const ROOM = 'e2e-rtmp';
const PASSWORD = 'rtmp-test-operator-password';

let service: RunningService;
let browser: Browser;
let links: JoinLinks;
const viewers: Page[] = [];
const encoders: Encoder[] = [];

const phase = (page: Page) => page.locator('main').getAttribute('data-phase');
const rtmpUrl = (key = links.rtmp!.key) => `${links.rtmp!.url}/${key}`;
const srtUrl = (key = links.rtmp!.key) => `${links.srt!.replace(/:[^:]+$/, '')}:${key}`;

function push(url: string, clip: string): Encoder {
  const e = startEncoder(url, clip);
  encoders.push(e);
  return e;
}

/** The pid and command line of the newest bridge the service started. */
function bridge(): { pid: number; command: string } {
  const line = service.logs.filter((l) => l.includes('ingest bridge started')).at(-1);
  if (!line) throw new Error('no bridge started');
  const { pid, command } = JSON.parse(line) as { pid: number; command: string };
  return { pid, command };
}

async function everyViewerDecodes(what: string): Promise<void> {
  for (const [i, page] of viewers.entries()) {
    await expect.poll(() => phase(page), { timeout: 20_000 }).toBe('live');
    const flow = await waitForMediaFlow(page, `viewer ${i + 1} decoding ${what}`);
    expect([flow.frameWidth, flow.frameHeight]).toEqual([1280, 640]);
    const codecs = Object.values(await inboundStreams(page)).map((s) => s.codec);
    expect(codecs).toEqual(expect.arrayContaining(['video/H264', 'audio/opus']));
    // The 440 Hz tone is heard, not only packets counted.
    await expect.poll(() => audioLevel(page), { timeout: 5000 }).toBeGreaterThan(0.01);
  }
}

beforeAll(async () => {
  service = await startService({
    TOKEN_SECRET: 'rtmp-e2e-test-secret-0123456789abcdefghij',
    OPERATOR_PASSWORD: PASSWORD,
    CAMERA_STALL_MS: '2000',
  });
  browser = await launchBrowser();
  links = await operatorLinks(service.url, PASSWORD, ROOM);
});

// A failure shows what the service said about its ingests.
beforeEach(() =>
  onTestFailed(() => {
    const said = service.logs.filter((l) => /ingest|RTMP|SRT|bridge|track|refused/.test(l));
    console.error(`service log (ingest lines):\n${said.slice(-60).join('\n')}`);
  }),
);

afterAll(async () => {
  for (const e of encoders) await e.stop();
  await browser?.close();
  await service?.stop();
});

describe('RTMP from ffmpeg', () => {
  it('copies Baseline H264: three viewers see the picture and hear the tone as Opus', async () => {
    push(rtmpUrl(), await makeClip('baseline'));
    for (let i = 0; i < 3; i++) viewers.push(await openViewer(browser, `${service.url}/watch/${ROOM}`));
    await everyViewerDecodes('the RTMP camera (copied)');
    expect(bridge().command).toMatch(/-c:v copy .*-c:a libopus/);
  });

  it('refuses a wrong key and a second source; the viewers keep decoding', async () => {
    const clip = await makeClip('baseline');
    const wrong = await push(rtmpUrl('wrong-key'), clip).exited;
    expect(wrong.stderr).toContain(`wrong stream key for room ${ROOM}`);
    const second = await push(rtmpUrl(), clip).exited;
    expect(second.stderr).toContain('already has a camera (rtmp)');
    expect(service.logs.filter((l) => l.includes('RTMP camera refused'))).toHaveLength(2);
    for (const page of viewers) expect((await progressOver(page, 1000)).frames).toBeGreaterThan(5);
  });

  it('a killed bridge is restarted: every viewer decodes again within 5 s, the encoder never noticed', async () => {
    const source = encoders[0]!;
    const { pid } = bridge();
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => bridge().pid !== pid, { timeout: 5000 }).toBe(true);
    // Each page marks its first decoded frame of a live period (requestVideoFrameCallback): read on its clock.
    const back = await Promise.all(
      viewers.map(async (page) => {
        const at = () =>
          page.evaluate(
            (since) =>
              performance
                .getEntriesByName('inclubit:first-frame')
                .map((m) => performance.timeOrigin + m.startTime)
                .find((t) => t > since),
            killedAt,
          );
        await expect.poll(at, { timeout: 5000 }).toBeDefined();
        return Math.round((await at())! - killedAt);
      }),
    );
    console.info(`[rtmp] bridge killed → first frame again on each viewer after ${back.join(', ')} ms`);
    expect(Math.max(...back)).toBeLessThan(5000);
    for (const page of viewers) expect((await progressOver(page, 1000)).frames).toBeGreaterThan(5);
    expect(source.running()).toBe(true);
    expect(isAlive(pid)).toBe(false);
  });

  it('the encoder stops: viewers wait, the bridge is gone', async () => {
    const { pid } = bridge();
    await encoders[0]!.stop();
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('waiting');
    await expect.poll(() => isAlive(pid), { timeout: 5000 }).toBe(false);
  });

  it('re-encodes a clip with B-frames; the viewers follow the new source by themselves', async () => {
    const source = push(rtmpUrl(), await makeClip('bframes'));
    await everyViewerDecodes('the RTMP camera (re-encoded)');
    expect(bridge().command).toMatch(/-c:v libx264 .*-bf 0/);
    await source.stop();
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('waiting');
  });

  it('a source with sound only: viewers are live, hear it, and say there is no picture', async () => {
    const source = push(rtmpUrl(), await makeClip('sound'));
    for (const page of viewers) {
      await expect.poll(() => phase(page), { timeout: 20_000 }).toBe('live');
      expect(await page.locator('main').getAttribute('data-media')).toBe('sound');
      await expect.poll(() => audioLevel(page), { timeout: 5000 }).toBeGreaterThan(0.01);
      expect(await page.getByRole('status').textContent()).toContain('Sound only');
    }
    await source.stop();
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('waiting');
  });
});

describe('a picture this browser cannot decode', () => {
  it('High copied as sent: Debian Chromium (no High in its offers) plays the sound and says so', async () => {
    const source = push(rtmpUrl(), await makeClip('high'));
    for (const page of viewers) {
      await expect.poll(() => phase(page), { timeout: 20_000 }).toBe('live');
      await expect
        .poll(() => page.getByRole('status').textContent(), { timeout: 10_000 })
        .toContain('cannot decode the camera’s picture');
      await expect.poll(() => audioLevel(page), { timeout: 5000 }).toBeGreaterThan(0.01);
    }
    expect(bridge().command).toContain('-c:v copy');
    expect(service.logs.some((l) => l.includes('cannot_consume'))).toBe(true);
    await source.stop();
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('waiting');
  });
});

describe('SRT from ffmpeg', () => {
  it('routes streamid=<room>:<key>; three viewers see and hear it; a wrong key is rejected', async () => {
    const clip = await makeClip('baseline');
    push(srtUrl(), clip);
    await everyViewerDecodes('the SRT camera');
    expect(bridge().command).toMatch(/-f mpegts .*-c:v copy/);
    const wrong = await push(srtUrl('wrong-key'), clip).exited;
    expect(wrong.code).not.toBe(0);
    expect(service.logs.some((l) => l.includes('SRT camera refused') && l.includes('wrong stream key'))).toBe(
      true,
    );
    for (const page of viewers) expect((await progressOver(page, 1000)).frames).toBeGreaterThan(5);
  });

  it('a new key replaces the old one', async () => {
    const renewed = await operatorLinks(service.url, PASSWORD, ROOM, { newKey: true });
    expect(renewed.rtmp!.key).not.toBe(links.rtmp!.key);
    const old = await push(rtmpUrl(links.rtmp!.key), await makeClip('baseline')).exited;
    expect(old.stderr).toContain('wrong stream key');
    links = renewed;
  });
});
