// TURN with a real coturn: relay-only viewers decode through it over UDP and over TCP; bad or expired
// credentials get no relay; the production configuration refuses to relay to loopback.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';
import { startCamera } from '../support/camera.js';
import { coturnConfig, startCoturn, type Coturn } from '../support/coturn.js';
import { progressOver, selectedPairs, waitForMediaFlow } from '../support/webrtc.js';

const pairNames = async (page: Page) =>
  (await selectedPairs(page)).map((p) => `${p.localType}/${p.relayProtocol ?? '-'}`);

const SECRET = 'turn-shared-secret-for-tests-0123456789';
const TEST_TURN_PORT = 34780;
const PROD_TURN_PORT = 34790;
const ROOM = 'e2e-turn';

let browser: Browser;
let testTurn: Coturn;
let running: { service: RunningService; camera: Page; viewers: Page[] } | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  testTurn = await startCoturn(coturnConfig.test, {
    port: TEST_TURN_PORT,
    secret: SECRET,
    relayPorts: [49400, 49599],
  });
});
afterEach(async () => {
  for (const page of [...(running?.viewers ?? []), running?.camera]) await page?.context().close();
  await running?.service.stop();
  running = undefined;
});
afterAll(async () => {
  await browser?.close();
  await testTurn?.stop();
});

async function serviceWithTurn(env: Record<string, string>) {
  const service = await startService({
    TURN_HOST: '127.0.0.1',
    TURN_UDP_PORT: String(TEST_TURN_PORT),
    ...env,
  });
  const camera = await startCamera(browser, `${service.url}/camera/${ROOM}`);
  running = { service, camera, viewers: [] };
  return service;
}

async function relayViewer(service: RunningService): Promise<Page> {
  const { page } = await newPage(browser);
  running?.viewers.push(page);
  await page.goto(`${service.url}/watch/${ROOM}?relay=1`);
  await page.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
  return page;
}

/** Relay candidates a page gathers with this TURN username/credential: 0 means coturn refused them. */
async function relayCandidates(username: string, credential: string, port = TEST_TURN_PORT): Promise<number> {
  const { page } = await newPage(browser);
  const n = await page.evaluate(
    async ({ url, username, credential }) => {
      const pc = new RTCPeerConnection({
        iceServers: [{ urls: url, username, credential }],
        iceTransportPolicy: 'relay',
      });
      pc.createDataChannel('probe');
      let relays = 0;
      const done = new Promise<void>((resolve) => {
        pc.onicecandidate = (e) => {
          if (!e.candidate) resolve();
          else if (e.candidate.type === 'relay') relays++;
        };
        setTimeout(resolve, 8000);
      });
      await pc.setLocalDescription(await pc.createOffer());
      await done;
      pc.close();
      return relays;
    },
    { url: `turn:127.0.0.1:${port}?transport=udp`, username, credential },
  );
  await page.context().close();
  return n;
}
const sign = (username: string, secret = SECRET) =>
  createHmac('sha1', secret).update(username).digest('base64');
const now = () => Math.floor(Date.now() / 1000);

describe('relay through coturn', () => {
  for (const transport of ['udp', 'tcp'] as const) {
    it(`a relay-only viewer decodes through TURN over ${transport.toUpperCase()}`, async () => {
      const service = await serviceWithTurn({ TURN_SECRET: SECRET, TURN_TRANSPORTS: transport });
      const viewer = await relayViewer(service);
      const flow = await waitForMediaFlow(viewer, `relay viewer over ${transport}`);
      expect(flow.frames).toBeGreaterThan(0);
      expect(await pairNames(viewer)).toContain(`relay/${transport}`);
      console.log(`[turn] ${transport}: selected pairs ${JSON.stringify(await pairNames(viewer))}`);
    });
  }

  it('with a credential signed by the wrong secret, the relay-only viewer never connects', async () => {
    const service = await serviceWithTurn({
      TURN_SECRET: 'not-the-coturn-secret-0123456789',
      TURN_TRANSPORTS: 'udp',
    });
    const viewer = await relayViewer(service);
    const window = await progressOver(viewer, 6000);
    expect(window.frames).toBe(0);
    expect(await selectedPairs(viewer)).toEqual([]);
  });
});

describe('credentials at coturn (allocation only)', () => {
  const sign = (username: string, secret = SECRET) =>
    createHmac('sha1', secret).update(username).digest('base64');
  const now = () => Math.floor(Date.now() / 1000);

  it('a valid credential gets a relay; an expired one, a wrong one or a forged user do not', async () => {
    const valid = `${now() + 600}:peer-a`;
    const expired = `${now() - 60}:peer-b`;
    expect(await relayCandidates(valid, sign(valid))).toBeGreaterThan(0);
    expect(await relayCandidates(expired, sign(expired))).toBe(0);
    expect(await relayCandidates(valid, sign(valid, 'some-other-secret'))).toBe(0);
    expect(await relayCandidates(`${now() + 99999}:peer-a`, sign(valid))).toBe(0);
  });
});

describe('production coturn configuration', () => {
  it('refuses to relay to the SFU on 127.0.0.1, where the test configuration allowed it', async () => {
    const prod = await startCoturn(coturnConfig.production, {
      port: PROD_TURN_PORT,
      secret: SECRET,
      relayPorts: [49600, 49699],
    });
    try {
      const service = await serviceWithTurn({
        TURN_SECRET: SECRET,
        TURN_TRANSPORTS: 'udp',
        TURN_UDP_PORT: String(PROD_TURN_PORT),
      });
      // coturn does give this credential a relay address: what it refuses is the peer, 127.0.0.1.
      const user = `${now() + 600}:peer-c`;
      // coturn's own account of the allocation, if it is refused (this once failed on a fresh machine).
      expect(
        await relayCandidates(user, sign(user), PROD_TURN_PORT),
        `no relay candidate; coturn said:\n${prod.logs.slice(-30).join('\n')}`,
      ).toBeGreaterThan(0);
      const viewer = await relayViewer(service);
      const window = await progressOver(viewer, 6000);
      expect(window.frames).toBe(0);
      expect(await selectedPairs(viewer)).toEqual([]);
    } finally {
      await prod.stop();
    }
  });
});
