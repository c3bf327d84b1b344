// Churn, as in a class where headsets come and go: for a few minutes viewers join, watch briefly and leave,
// one a second, while one viewer stays. The staying viewer never stalls for more than a second,
// and afterwards mediasoup's own router dump holds exactly what the camera and that viewer need.
import { describe, expect, it } from 'vitest';
import { newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { stagePerTest } from '../support/stage.js';
import { watchMachine } from '../support/machine.js';
import { metric } from '../support/metrics.js';
import { inboundStreams, outboundVideo, videoReceiveCounters, watchStalls } from '../support/webrtc.js';
import { openViewer } from '../support/viewer.js';

/** How long viewers come and go (the bench runs it longer). */
const CHURN_MS = Number(process.env.CHURN_SECONDS ?? 180) * 1000;
/** Tabs that come and go in turn, a second apart: each visit lasts up to CHURNING_TABS seconds. */
const CHURNING_TABS = 3;

const stage = stagePerTest();

const routerObjects = async (url: string) => ({
  transports: await metric(url, 'inclubit_router_objects', { kind: 'transports' }),
  producers: await metric(url, 'inclubit_router_objects', { kind: 'producers' }),
  consumers: await metric(url, 'inclubit_router_objects', { kind: 'consumers' }),
});

describe('viewer churn', () => {
  it(
    `a viewer joins and one leaves every second for ${CHURN_MS / 1000} s: the one who stays never stalls`,
    async () => {
      const { service, browser } = await stage();
      const url = `${service.url}/watch/churn`;
      // The lightest preset: every join asks the camera for a keyframe (about one a second here), and a
      // software encoder plus five Chromium pages on two cores otherwise starve the staying viewer's decoder.
      const camera = await startCamera(browser, `${service.url}/camera/churn`, { resolution: 'Low 960×480' });
      const stayer = await openViewer(browser, url, { width: 320, height: 180 });
      const baseline = await routerObjects(service.url);
      expect(baseline).toEqual({ transports: 2, producers: 2, consumers: 2 });
      const joinsBefore = await metric(service.url, 'inclubit_peer_sessions_total', { kind: 'join' });
      const consumersBefore = Object.keys(await inboundStreams(stayer)).sort();

      const stalls = await watchStalls(stayer);
      const machine = watchMachine();
      let opened = 0;
      let live = 0;
      const start = Date.now();
      const end = start + CHURN_MS;
      /**
       * One churning tab: every CHURNING_TABS seconds (its turn) opens the viewer again, which leaves the
       * room as closing the tab does (the page unloads, its socket says goodbye) and joins it afresh. The
       * tabs take turns a second apart: one join and one leave a second, at that pace and no faster (a
       * visit that takes longer than its turn starts the next at once).
       */
      const churn = async (tab: number) => {
        const { page } = await newPage(browser, { width: 160, height: 90 });
        for (let turn = start + tab * 1000; turn < end; turn += CHURNING_TABS * 1000) {
          await page.waitForTimeout(Math.max(0, turn - Date.now()));
          opened++;
          await page.goto(url);
          const wentLive = await page
            .locator('main[data-phase="live"]')
            .waitFor({ timeout: 10_000 })
            .then(() => true)
            .catch(() => false);
          if (wentLive) live++;
        }
        // Closed as a person closes a tab (unload runs), not killed.
        await page.close({ runBeforeUnload: true });
        await page.context().close();
      };
      await Promise.all(Array.from({ length: CHURNING_TABS }, (_, tab) => churn(tab)));
      const longestStall = await stalls.stop();
      const paused = await machine.stop();
      const received = await videoReceiveCounters(stayer);
      const joins =
        (await metric(service.url, 'inclubit_peer_sessions_total', { kind: 'join' })) - joinsBefore;
      console.log(
        `[churn] ${CHURN_MS / 1000} s: ${opened} viewers opened (${(opened / (CHURN_MS / 1000)).toFixed(2)}/s), ` +
          `${live} went live, ${joins} joins; ` +
          `the staying viewer's longest stall ${longestStall} ms; a bare process on this machine woke up to ` +
          `${paused.worst} ms late (scheduler autogroups ${paused.autogroups}); its video: ${JSON.stringify(received)}; ` +
          `keyframe requests to the camera: ${await metric(service.url, 'inclubit_keyframe_requests_total')}; ` +
          `the camera sent: ${JSON.stringify(await outboundVideo(camera))}`,
      );

      // Every closed tab was a goodbye: the room is back to the camera and the staying viewer at once — well
      // inside the 20 s a dropped peer would be kept for its resume.
      await expect
        .poll(() => metric(service.url, 'inclubit_peers', { role: 'viewer' }), { timeout: 3000 })
        .toBe(1);
      await expect.poll(() => routerObjects(service.url)).toEqual(baseline);
      expect(Object.keys(await inboundStreams(stayer)).sort()).toEqual(consumersBefore);
      expect(longestStall).toBeLessThanOrEqual(1000);
      // It really churned: every visit joined, and nearly all got their video before leaving.
      expect(joins).toBe(opened);
      expect(live).toBeGreaterThanOrEqual(opened * 0.9);
    },
    CHURN_MS + 120_000,
  );
});
