// WHIP and WHEP from a browser with clients nobody here wrote (medooze's whip-whep from npm), on a page of
// another origin (so CORS is exercised as a third-party player would): a browser WHIP client publishes and
// the viewer page decodes it; a WHEP client plays a room that the camera page publishes.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';
import { operatorLinks } from '../support/network-stage.js';
import { openViewer } from '../support/viewer.js';
import { inboundStreams, waitForMediaFlow } from '../support/webrtc.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const clientDir = path.join(repo, 'node_modules/whip-whep');
const PASSWORD = 'whip-whep-browser-password';

let service: RunningService;
let browser: Browser;
let player: http.Server;
let playerUrl: string;
let links: Awaited<ReturnType<typeof operatorLinks>>;

/** The player's origin: a page that loads the npm clients as modules, and nothing of this project's. */
function servePlayer(): Promise<string> {
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><script type="module" src="/main.js"></script>'],
    '/main.js': [
      'text/javascript',
      "import { WHIPClient } from './whip.js'; import { WHEPClient } from './whep.js';" +
        'Object.assign(window, { WHIPClient, WHEPClient, ready: true });',
    ],
    '/whip.js': ['text/javascript', fs.readFileSync(path.join(clientDir, 'whip.js'), 'utf8')],
    '/whep.js': ['text/javascript', fs.readFileSync(path.join(clientDir, 'whep.js'), 'utf8')],
  };
  player = http.createServer((req, res) => {
    const file = files[req.url ?? ''];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    res.end(file?.[1] ?? 'not found');
  });
  return new Promise((resolve) =>
    player.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(player.address() as AddressInfo).port}/`),
    ),
  );
}

async function openPlayer(): Promise<Page> {
  const { page } = await newPage(browser);
  await page.goto(playerUrl);
  await page.waitForFunction(() => 'ready' in window);
  return page;
}

const token = (link: string) => new URL(link).searchParams.get('t')!;

beforeAll(async () => {
  service = await startService({
    TOKEN_SECRET: 'whip-whep-browser-secret-0123456789abcdef',
    OPERATOR_PASSWORD: PASSWORD,
    ROOM_ACCESS: 'protected',
  });
  browser = await launchBrowser();
  playerUrl = await servePlayer();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  player?.close();
});

describe('browser clients from npm', () => {
  it('a WHIP client in a page of another origin publishes; the viewer page decodes it; stop leaves it waiting', async () => {
    const room = 'whip-browser';
    links = await operatorLinks(service.url, PASSWORD, room);
    const publisher = await openPlayer();
    await publisher.evaluate(
      async ({ url, token }) => {
        const stream = await navigator.mediaDevices.getUserMedia({
          video: { width: 640, height: 320 },
          audio: true,
        });
        const pc = new RTCPeerConnection();
        for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
        const w = window as unknown as { WHIPClient: new () => { publish(...a: unknown[]): Promise<void> } };
        const client = new w.WHIPClient();
        Object.assign(window, { whip: client });
        await client.publish(pc, url, token);
      },
      { url: `${service.url}/whip/${room}`, token: token(links.camera) },
    );
    const viewer = await openViewer(browser, links.viewer);
    const flow = await waitForMediaFlow(viewer, 'viewer of the browser WHIP client');
    expect(flow.frameWidth).toBe(640);
    expect(service.logs.some((l) => l.includes('WHIP tracks') && l.includes('video:video/VP8'))).toBe(true);

    await publisher.evaluate(() => (window as unknown as { whip: { stop(): Promise<void> } }).whip.stop());
    await expect
      .poll(() => viewer.locator('main').getAttribute('data-phase'), { timeout: 10_000 })
      .toBe('waiting');
  });

  it('a WHEP client plays a room the camera page publishes, with a viewer token', async () => {
    const room = 'whep-browser';
    links = await operatorLinks(service.url, PASSWORD, room);
    const { page: camera } = await newPage(browser);
    await camera.goto(links.camera);
    await camera.getByTestId('video-source').selectOption('pattern');
    await camera.getByTestId('resolution').selectOption({ label: 'SD 1280×640' });
    await camera.getByRole('button', { name: 'Go live' }).click();
    await camera.locator('main[data-status="live"]').waitFor({ timeout: 20_000 });

    const whep = await openPlayer();
    const view = (bearer: string) =>
      whep.evaluate(
        async ({ url, bearer }) => {
          const pc = new RTCPeerConnection();
          pc.addTransceiver('video', { direction: 'recvonly' });
          pc.addTransceiver('audio', { direction: 'recvonly' });
          // Played as a player page would: a video element with sound.
          const video = document.body.appendChild(document.createElement('video'));
          const stream = new MediaStream();
          pc.ontrack = (e) => {
            stream.addTrack(e.track);
            video.srcObject = stream;
            void video.play();
          };
          const w = window as unknown as { WHEPClient: new () => { view(...a: unknown[]): Promise<void> } };
          try {
            await new w.WHEPClient().view(pc, url, bearer);
            return 'ok';
          } catch (error) {
            pc.close();
            return String(error);
          }
        },
        { url: `${service.url}/whep/${room}`, bearer },
      );
    // The room is protected: no player without a viewer link's token.
    expect(await view('not-a-token')).toContain('401');
    expect(await view(token(links.viewer))).toBe('ok');
    const flow = await waitForMediaFlow(whep, 'the WHEP player');
    expect([flow.frameWidth, flow.frameHeight]).toEqual([1280, 640]);
    const codecs = Object.values(await inboundStreams(whep)).map((s) => s.codec);
    expect(codecs).toContain('audio/opus');
    expect(service.logs.some((l) => l.includes('WHEP playback started'))).toBe(true);

    // The camera leaves: the playback ends with it (WHEP cannot offer the next camera's tracks).
    await camera.close();
    await expect
      .poll(() =>
        service.logs.some((l) => l.includes('WHEP playback ended') && l.includes('the camera left')),
      )
      .toBe(true);
  });
});
