// WHIP ingest with a client nobody here wrote: Debian's simple-whip-client (GStreamer + libnice) publishes a test
// picture and tone; Chromium viewers decode both. Bad requests are answered with typed errors and disturb no one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';
import { operatorLinks } from '../support/network-stage.js';
import { operatorFeed } from '../support/operator-feed.js';
import { openViewer } from '../support/viewer.js';
import { inboundStreams, waitForMediaFlow } from '../support/webrtc.js';
import { pipelines, startWhipClient, type VideoCodec, type WhipClient } from '../support/whip-client.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROOM = 'e2e-whip';
const PASSWORD = 'whip-test-operator-password';

let service: RunningService;
let browser: Browser;
let cameraToken: string;
let viewerToken: string;
let operatorToken: string;
const viewers: Page[] = [];
const clients: WhipClient[] = [];

const phase = (page: Page) => page.locator('main').getAttribute('data-phase');
const whipUrl = () => `${service.url}/whip/${ROOM}`;

async function publish(codec: VideoCodec): Promise<WhipClient> {
  const client = await startWhipClient({ url: whipUrl(), token: cameraToken, ...pipelines(codec) });
  clients.push(client);
  return client;
}

/** The codecs of the video streams the page is decoding now (a stream of an earlier source stays in the stats). */
async function videoCodecs(page: Page): Promise<string[]> {
  const before = await inboundStreams(page);
  await page.waitForTimeout(1000);
  return Object.entries(await inboundStreams(page))
    .filter(([id, s]) => s.kind === 'video' && s.framesDecoded > (before[id]?.framesDecoded ?? 0))
    .map(([, s]) => s.codec);
}

beforeAll(async () => {
  service = await startService({
    TOKEN_SECRET: 'whip-e2e-test-secret-0123456789abcdefghij',
    OPERATOR_PASSWORD: PASSWORD,
  });
  browser = await launchBrowser();
  const links = await operatorLinks(service.url, PASSWORD, ROOM);
  cameraToken = new URL(links.camera).searchParams.get('t')!;
  viewerToken = new URL(links.viewer).searchParams.get('t')!;
  operatorToken = links.operator;
});

/** The picture size the dashboard shows for the room's camera, once it shows one (read off the stream). */
async function dashboardPictureSize(): Promise<string> {
  const feed = await operatorFeed(service.url, operatorToken);
  try {
    const shown = () => {
      const camera = feed.summaries.filter((s) => s.room.room === ROOM).at(-1)?.room.camera;
      return camera?.width ? `${camera.source} ${camera.width}×${camera.height}` : undefined;
    };
    await expect.poll(shown, { timeout: 10_000 }).toBeDefined();
    return shown()!;
  } finally {
    feed.close();
  }
}

afterAll(async () => {
  for (const c of clients) await c.kill();
  await browser?.close();
  await service?.stop();
});

describe('WHIP from simple-whip-client', () => {
  it('publishes H264 (Constrained Baseline, as webrtcbin offers it) and Opus; three viewers decode video and audio; DELETE leaves them waiting', async () => {
    const client = await publish('h264');
    expect(client.resource).toMatch(new RegExp(`/whip/${ROOM}/[\\w-]{20,}$`));
    for (let i = 0; i < 3; i++) viewers.push(await openViewer(browser, `${service.url}/watch/${ROOM}`));
    for (const [i, page] of viewers.entries()) {
      const flow = await waitForMediaFlow(page, `viewer ${i + 1} decoding the WHIP camera`);
      expect([flow.frameWidth, flow.frameHeight]).toEqual([1280, 640]);
      expect(await videoCodecs(page)).toEqual(['video/H264']);
    }
    const started = service.logs.find((l) => l.includes('WHIP tracks'));
    expect(started).toContain('video:video/H264 42e01f');
    expect(started).toMatch(/audio:audio\/opus/i);
    expect(await dashboardPictureSize()).toBe('whip 1280×640');

    await client.stop(); // SIGTERM: the client DELETEs its session
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('waiting');
    expect(service.logs.some((l) => l.includes('deleted by the client'))).toBe(true);
  });

  it('takes a VP8 offer too; the waiting viewers follow the new source by themselves', async () => {
    const client = await publish('vp8');
    for (const [i, page] of viewers.entries()) {
      await expect.poll(() => phase(page), { timeout: 15_000 }).toBe('live');
      await waitForMediaFlow(page, `viewer ${i + 1} decoding the VP8 WHIP camera`);
      expect(await videoCodecs(page)).toEqual(['video/VP8']);
    }
    expect(await dashboardPictureSize()).toBe('whip 1280×640');
    await client.stop();
  });
});

describe('bad WHIP requests', () => {
  let offer: string;

  beforeAll(async () => {
    // A live source, three viewers watching it; each bad request below must leave them untouched.
    await publish('h264');
    for (const [i, page] of viewers.entries()) await waitForMediaFlow(page, `viewer ${i + 1} decoding`);
    // A real offer to vary: what simple-whip-client on GStreamer 1.22 sent (x264enc profile=high, opusenc).
    offer = fs.readFileSync(path.join(repo, 'sfu/src/ingest/fixtures/gstreamer-h264-opus.sdp'), 'utf8');
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(whipUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: `Bearer ${cameraToken}`, ...headers },
      body,
    });
  const errorOf = async (res: Response) => ({
    status: res.status,
    ...((await res.json()) as { error: { code: string; message: string } }).error,
  });

  it('answers each with its status and a message naming the problem', async () => {
    expect(await errorOf(await post(offer, { authorization: '' }))).toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    expect(await errorOf(await post(offer, { authorization: 'Bearer not-a-token' }))).toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    expect(await errorOf(await post(offer, { authorization: `Bearer ${viewerToken}` }))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    expect(await errorOf(await post(offer, { 'content-type': 'text/plain' }))).toMatchObject({
      status: 415,
      code: 'unsupported_media_type',
    });
    const garbage = await errorOf(await post('hello, camera'));
    expect(garbage).toMatchObject({ status: 400, code: 'bad_request' });
    expect(garbage.message).toContain('v=0');
    const codecless = offer.replace(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 96$/m, 'm=video 9 UDP/TLS/RTP/SAVPF');
    const noCodec = await errorOf(await post(codecless.replace(/^a=(rtpmap|fmtp|rtcp-fb):96 .*\r?\n/gm, '')));
    expect(noCodec).toMatchObject({ status: 400, code: 'bad_request' });
    expect(noCodec.message).toContain('offers no codec');
    const h265 = await errorOf(await post(offer.replace('H264/90000', 'H265/90000')));
    expect(h265).toMatchObject({ status: 422, code: 'unsupported_codec' });
    expect(h265.message).toMatch(/offers H265; the server accepts H264.*VP8, VP9, opus/);
    // The room's one source is live: a second one is refused.
    const taken = await errorOf(await post(offer));
    expect(taken).toMatchObject({ status: 409, code: 'camera_taken' });
    expect(taken.message).toContain('(whip)');

    const live = clients.at(-1)!.resource;
    const patch = (url: string, headers: Record<string, string>) =>
      fetch(url, {
        method: 'PATCH',
        headers: { 'content-type': 'application/trickle-ice-sdpfrag', ...headers },
        body: 'a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n',
      });
    expect((await patch(`${whipUrl()}/no-such-session-aaaaaaaaaaaa`, {})).status).toBe(404);
    expect(await errorOf(await patch(live, { 'if-match': '"stale"' }))).toMatchObject({
      status: 412,
      code: 'precondition_failed',
    });

    for (const [i, page] of viewers.entries())
      await waitForMediaFlow(page, `viewer ${i + 1} after the bad requests`);
    expect(service.logs.filter((l) => l.includes('WHIP publication started'))).toHaveLength(3);
  });
});

describe('a WHIP source that stalls', () => {
  it('leaves the viewers waiting for the camera within a few seconds, and live again when it flows', async () => {
    const client = clients.at(-1)!;
    for (const [i, page] of viewers.entries())
      await waitForMediaFlow(page, `viewer ${i + 1} before the stall`);
    const frozenAt = Date.now();
    client.freeze();
    for (const page of viewers) await expect.poll(() => phase(page), { timeout: 5000 }).toBe('waiting');
    console.log(`[stall] viewers waiting ${Date.now() - frozenAt} ms after the encoder froze`);
    expect(service.logs.some((l) => l.includes('camera picture stalled'))).toBe(true);
    client.thaw();
    for (const [i, page] of viewers.entries()) {
      await expect.poll(() => phase(page), { timeout: 10_000 }).toBe('live');
      await waitForMediaFlow(page, `viewer ${i + 1} after the stall`);
    }
  });
});
