// Viewers on unequal networks. The camera sends three layers (¼, ½ and full width); a viewer runs in a
// network namespace of this test whose downlink is shaped with tc (tbf: this kernel has no netem) and gets
// the layer its own link carries — also when the room has spread to another worker and the viewer's layers
// arrive there through pipes.
import { afterEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { chromiumIn, createNetns, type Netns } from '../support/netns.js';
import { operatorLinks } from '../support/network-stage.js';
import { describeViewers, operatorFeed, type OperatorFeed } from '../support/operator-feed.js';
import { freePort, startService, type RunningService } from '../support/service.js';
import { openViewerConnection } from '../support/viewer.js';
import {
  describeLayers,
  progressOver,
  receivedWidth,
  steadyLayers,
  timeToWidth,
  watchStalls,
  type SentLayer,
} from '../support/webrtc.js';

const PASSWORD = 'adaptive-quality-operator-password';
let service: RunningService | undefined;
let feed: OperatorFeed | undefined;
const namespaces: Netns[] = [];
const browsers: Browser[] = [];

afterEach(async () => {
  feed?.close();
  feed = undefined;
  await Promise.all(browsers.splice(0).map((b) => b.close()));
  await service?.stop();
  await Promise.all(namespaces.splice(0).map((ns) => ns.remove()));
  service = undefined;
});

/** The service on the first namespace's link; the other namespaces reach it through this machine. */
async function stage(subnets: number[], env: Record<string, string> = {}) {
  for (const [i, subnet] of subnets.entries()) {
    const ns = await createNetns(`ib-aq${subnet}`, subnet);
    namespaces.push(ns);
    if (i > 0) await ns.routeAll();
  }
  const host = namespaces[0]!.hostIp;
  const port = await freePort();
  service = await startService({
    PORT: String(port),
    PUBLIC_URL: `http://${host}:${port}`,
    HOST: host,
    RTC_LISTEN_IP: host,
    TOKEN_SECRET: 'adaptive-quality-test-secret-0123456789abcdef',
    OPERATOR_PASSWORD: PASSWORD,
    ...env,
  });
  const links = await operatorLinks(service.url, PASSWORD, 'layers');
  feed = await operatorFeed(service.url, links.operator);
  return links;
}

async function browserIn(where: Netns | undefined): Promise<Browser> {
  const browser = await launchBrowser({
    args: [`--unsafely-treat-insecure-origin-as-secure=${service!.url}`],
    ...(where && { executablePath: await chromiumIn(where) }),
  });
  browsers.push(browser);
  return browser;
}

/**
 * Polls until `page` decodes at a width that `ok` accepts; the milliseconds that took. A miss names the width
 * and, from the operator's feed, what the SFU did meanwhile (each viewer's layer and estimate).
 */
async function widthReached(page: Page, ok: (w: number) => boolean, timeoutMs: number, what: string) {
  const since = Date.now();
  const took = await timeToWidth(page, ok, timeoutMs);
  if (took === null)
    throw new Error(
      `${what}: still decoding ${await receivedWidth(page)} px wide after ${timeoutMs} ms; the SFU meanwhile:\n` +
        (feed ? describeViewers(feed, since) : '(no operator feed)'),
    );
  return took;
}

describe('adaptive quality: each viewer gets the layer its network carries', () => {
  it('a room over two workers: a shaped viewer on the far worker drops to the lowest layer', async () => {
    // One viewer per worker: the first viewer stays on the camera's worker, the second is placed on the
    // other one, which receives the camera's layers through pipes.
    const links = await stage([95, 96], { MEDIASOUP_WORKERS: '2', ROOM_VIEWERS_PER_WORKER: '1' });
    const [, nsFar] = namespaces as [Netns, Netns];
    // Viewer connections without a 3D view (the load-test page's): the camera and its encoder keep the
    // CPU they need on this machine's two cores.
    const cameraBrowser = await browserIn(undefined);
    const camera = await startCamera(cameraBrowser, links.camera, {
      resolution: 'SD 1280×640',
      fps: 15,
      source: 'pattern-busy',
    });
    const layers = await steadyLayers(camera);
    console.log(`[adaptive] the camera sends ${describeLayers(layers)}`);
    expect(layers).toHaveLength(3);
    const [low, middle, top] = layers as [SentLayer, SentLayer, SentLayer];

    const near = await openViewerConnection(cameraBrowser, links.viewer);
    const spreadLogged = () => service!.logs.some((l) => l.includes('room spread to another worker'));
    expect(spreadLogged()).toBe(false);
    const far = await openViewerConnection(await browserIn(nsFar), links.viewer);
    expect(spreadLogged()).toBe(true);
    await widthReached(far, (w) => w === top.frameWidth, 15_000, 'the far viewer, unlimited');

    // Below the middle layer (its bitrate as measured, with the sound beside it). What is proven here is that
    // the far worker's viewer adapts at all: its layers come through pipes, its estimate is its own. The
    // bound is looser than a local viewer's 10 s: measured here 4–10 s on a loaded machine (mediasoup's
    // estimate reacts to the full queue in steps).
    const limit = Math.round((middle.bitrateBps * 0.7) / 1000);
    await nsFar.shape(limit);
    const down = await widthReached(
      far,
      (w) => w > 0 && w <= low.frameWidth,
      15_000,
      `the far viewer at ${limit} kbit/s`,
    );
    // On the lowest layer the picture goes on: the estimate is kept above what that layer needs, so a burst
    // of loss cannot take it to mediasoup's 30 kbit/s minimum, below every layer, where nothing is sent (without
    // that floor this viewer froze: 8 s of 10 without a frame, or for good). Most of the layer's frames arrive;
    // the gaps themselves (no gap over 1 s, issue 18) are not yet met when the estimate overshoots a narrow link
    // and mediasoup tries the next layer (seen here once in twelve runs: one 3.8 s gap).
    const stalls = await watchStalls(far);
    const { frames } = await progressOver(far, 10_000);
    const longest = await stalls.stop();
    console.log(
      `[adaptive] far worker's viewer limited to ${limit} kbit/s: on the lowest layer after ${down} ms; ` +
        `over the next 10 s ${frames} frames (the layer sends ${low.fps}/s), longest gap ${longest} ms`,
    );
    expect(await receivedWidth(far)).toBe(low.frameWidth);
    expect(frames).toBeGreaterThan(low.fps * 10 * 0.5);
    // The near viewer shares the camera's browser and this machine's two cores: its own estimate can dip
    // for a moment (seen once at 640 px). What matters is that the far link's limit does not hold it down.
    await widthReached(near, (w) => w === top.frameWidth, 10_000, 'the near viewer, unlimited');
  });
});
