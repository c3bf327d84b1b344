// A class joins at once: every new viewer needs a keyframe, but the camera is asked at most once per
// KEYFRAME_MIN_INTERVAL_MS; viewers that join in between share the next one. Viewers that switch layers
// again and again (each switch needs a keyframe of the layer it goes to) are held to the same bound, per
// layer. Counted at both ends: the requests the SFU sent (its metric) and the ones the camera's browser
// received (its WebRTC stats).
import { describe, expect, it } from 'vitest';
import { newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { metric } from '../support/metrics.js';
import { stagePerTest } from '../support/stage.js';
import { openViewer } from '../support/viewer.js';
import { outboundVideo, receivedWidth, waitForMediaFlow } from '../support/webrtc.js';

const stage = stagePerTest();
const VIEWERS = 8;
/**
 * Far longer than the default: here the eight pages take 10–20 s to load and join, so only a long interval
 * keeps the bound (one request, then one per interval) well below what unthrottled joins ask for (5 here).
 */
const INTERVAL_MS = 10_000;

describe('keyframe requests', () => {
  it(`${VIEWERS} viewers joining at once ask the camera for at most one keyframe per interval`, async () => {
    const { service, browser } = await stage({ KEYFRAME_MIN_INTERVAL_MS: String(INTERVAL_MS) });
    const camera = await startCamera(browser, `${service.url}/camera/storm`, { resolution: 'Low 960×480' });
    // Let the start-up requests (the camera's own first keyframe) and their interval pass.
    await camera.waitForTimeout(INTERVAL_MS + 500);
    const sentBefore = await metric(service.url, 'inclubit_keyframe_requests_total');
    const cameraBefore = await outboundVideo(camera);

    const started = Date.now();
    await Promise.all(
      Array.from({ length: VIEWERS }, async (_, i) => {
        const { page } = await newPage(browser, { width: 160, height: 90 });
        await page.goto(`${service.url}/watch/storm`);
        await waitForMediaFlow(page, `viewer ${i + 1}`, 60_000);
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const sent = (await metric(service.url, 'inclubit_keyframe_requests_total')) - sentBefore;
    const cameraAfter = await outboundVideo(camera);
    const received = cameraAfter.keyFrameRequests - cameraBefore.keyFrameRequests;
    const keyframes = cameraAfter.keyFramesEncoded - cameraBefore.keyFramesEncoded;
    console.log(
      `[keyframes] ${VIEWERS} viewers live within ${seconds.toFixed(1)} s: ${sent} requests sent by the SFU, ` +
        `${received} received by the camera, ${keyframes} keyframes encoded (interval ${INTERVAL_MS} ms)`,
    );

    // The first request goes at once, then at most one per interval.
    const bound = 1 + Math.floor((seconds * 1000) / INTERVAL_MS);
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(bound);
    expect(received).toBeLessThanOrEqual(bound);
    expect(sent).toBeLessThan(VIEWERS);
  });

  it('viewers switching layers back and forth ask the camera for at most one keyframe per layer and interval', async () => {
    const interval = 5000;
    const { service, browser } = await stage({ KEYFRAME_MIN_INTERVAL_MS: String(interval) });
    const camera = await startCamera(browser, `${service.url}/camera/switch`, { fps: 15 });
    const viewers = await Promise.all(
      [1, 2, 3].map(() => openViewer(browser, `${service.url}/watch/switch`, { width: 640, height: 360 })),
    );
    for (const viewer of viewers)
      await expect.poll(() => receivedWidth(viewer), { timeout: 15_000 }).toBe(1280);
    await camera.waitForTimeout(interval + 500);
    const sentBefore = await metric(service.url, 'inclubit_keyframe_requests_total');
    const cameraBefore = await outboundVideo(camera);

    // Each viewer flips Low / Auto every 300 ms: each flip is a switch to the lowest or the top layer.
    const FLIPS = 12;
    const started = Date.now();
    await Promise.all(
      viewers.map(async (viewer) => {
        for (let i = 0; i < FLIPS; i++) {
          await viewer.getByTestId('quality').selectOption(i % 2 === 0 ? 'low' : 'auto');
          await viewer.waitForTimeout(300);
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const sent = (await metric(service.url, 'inclubit_keyframe_requests_total')) - sentBefore;
    const received = (await outboundVideo(camera)).keyFrameRequests - cameraBefore.keyFrameRequests;
    console.log(
      `[keyframes] 3 viewers flipped Low/Auto ${FLIPS} times each in ${seconds.toFixed(1)} s: ${sent} requests ` +
        `sent by the SFU, ${received} received by the camera (interval ${interval} ms)`,
    );
    // Any of the three layers may be a flip's target (Auto passes by the middle one when the estimate says
    // so); each is asked at once, then once per interval. Unthrottled (an interval of 1 ms) the same flips
    // sent 30 requests here.
    const bound = 3 * (1 + Math.floor((seconds * 1000) / interval));
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(bound);
    expect(received).toBeLessThanOrEqual(bound);
    // And the viewers still decode the layer their last choice (Auto) gives.
    for (const viewer of viewers)
      await expect.poll(() => receivedWidth(viewer), { timeout: 15_000 }).toBe(1280);
  });
});
