// A class joins at once: every new viewer needs a keyframe, but the camera is asked at most once per
// KEYFRAME_MIN_INTERVAL_MS; viewers that join in between share the next one. Counted at both ends: the
// requests the SFU sent (its metric) and the ones the camera's browser received (its WebRTC stats).
import { describe, expect, it } from 'vitest';
import { newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { metric } from '../support/metrics.js';
import { stagePerTest } from '../support/stage.js';
import { outboundVideo, waitForMediaFlow } from '../support/webrtc.js';

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
});
