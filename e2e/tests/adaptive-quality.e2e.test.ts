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
  keyframeRequestsReceived,
  progressOver,
  receivedWidth,
  sentLayers,
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

afterEach(async ({ task }) => {
  // DUMP_LOGS=1 keeps the service's log of the last test in /tmp/sfu-logs.txt (and logs each viewer's
  // estimate: LOG_LEVEL debug), to follow the layer guard second by second.
  if (process.env.DUMP_LOGS && service)
    (await import('node:fs')).writeFileSync('/tmp/sfu-logs.txt', service.logs.join('\n'));
  // A failure comes with what the SFU did over its last 30 s (each viewer's layer and estimate).
  if (task.result?.state === 'fail' && feed)
    console.log(`[adaptive] the SFU's last 30 s:\n${describeViewers(feed, Date.now() - 30_000)}`);
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

const kbit = (bps: number) => Math.round(bps / 1000);

describe('adaptive quality: each viewer gets the layer its network carries', () => {
  it('three viewers on unequal links get three layers, never stall, and climb back when the link widens', async () => {
    const links = await stage([91, 92, 93], { LOG_LEVEL: process.env.DUMP_LOGS ? 'debug' : 'info' });
    const [, nsB, nsC] = namespaces as [Netns, Netns, Netns];
    const cameraBrowser = await browserIn(undefined);
    const camera = await startCamera(cameraBrowser, links.camera, {
      resolution: 'SD 1280×640',
      fps: 15,
      source: 'pattern-busy',
      codec: 'video/VP8',
    });
    // Sent as three layers, measured before any limit once the encoder has ramped up to its bitrates: the
    // limits are set from what really flows.
    const layers = await steadyLayers(camera);
    console.log(`[adaptive] the camera sends ${describeLayers(layers)}`);
    expect(layers).toHaveLength(3);
    const [low, middle, top] = layers as [SentLayer, SentLayer, SentLayer];
    expect(low.bitrateBps).toBeGreaterThan(0);

    // Small windows: three viewers and the camera share this machine's two cores (a 320 px window still
    // asks for the top layer of a 1280 px frame: it shows a quarter of the panorama).
    // A's link is this machine's own: it shares the camera's browser (one browser fewer on two cores).
    const a = await openViewerConnection(cameraBrowser, links.viewer);
    // B and C are viewer connections without a 3D view (the load-test page's): two more 3D views would keep
    // this machine's two cores busy, and the camera's encoder starved of CPU sends layers that come and go.
    const b = await openViewerConnection(await browserIn(nsB), links.viewer);
    const c = await openViewerConnection(await browserIn(nsC), links.viewer);
    // All three start on open links, on the top layer; then B's and C's links narrow.
    const joined = await Promise.all(
      [a, b, c].map((p, i) => widthReached(p, (w) => w === top.frameWidth, 15_000, `${'ABC'[i]} at first`)),
    );
    console.log(`[adaptive] A, B, C on the top layer after ${joined.join(' / ')} ms`);
    const keyframesBefore = await keyframeRequestsReceived(camera);
    const limitB = Math.round((top.bitrateBps * 0.5) / 1000);
    const limitC = Math.round((middle.bitrateBps * 0.7) / 1000);
    await nsB.shape(limitB);
    await nsC.shape(limitC);
    const shapedAt = Date.now();
    const down = await Promise.all([
      widthReached(b, (w) => w > 0 && w < top.frameWidth, 10_000, 'B (half the top layer)'),
      widthReached(c, (w) => w > 0 && w <= low.frameWidth, 10_000, 'C (below the middle layer)'),
    ]);
    console.log(
      `[adaptive] B limited to ${limitB} kbit/s, C to ${limitC} kbit/s: B down after ${down[0]} ms, ` +
        `C after ${down[1]} ms`,
    );
    expect(await receivedWidth(a)).toBe(top.frameWidth);
    const switchSeconds = (Date.now() - shapedAt) / 1000;
    const keyframesAfter = await keyframeRequestsReceived(camera);
    const keyframes = Object.entries(keyframesAfter).map(([rid, n]) => [
      rid,
      n - (keyframesBefore[rid] ?? 0),
    ]);
    console.log(`[adaptive] keyframe requests per layer while switching: ${JSON.stringify(keyframes)}`);
    // The keyframe throttle (one a second for each layer the camera sends) holds while viewers switch.
    for (const [, n] of keyframes) expect(n).toBeLessThanOrEqual(Math.ceil(switchSeconds) + 1);

    // The next 60 s start when the 10 s to switch are over.
    await a.waitForTimeout(Math.max(0, shapedAt + 10_000 - Date.now()));
    const watchedFrom = Date.now();
    const stalls = await Promise.all([a, b, c].map((p) => watchStalls(p)));
    await a.waitForTimeout(60_000);
    const worst = await Promise.all(stalls.map((s) => s.stop()));
    const gaps = await Promise.all(stalls.map((s) => s.gaps()));
    gaps.forEach((g, i) =>
      console.log(
        `[adaptive] ${'ABC'[i]}'s gaps over 500 ms: ` +
          (g
            .map(
              ({ endedAt, ms, ...counted }) =>
                `${ms} ms ending at +${endedAt - watchedFrom} ms ${JSON.stringify(counted)}`,
            )
            .join(', ') || 'none'),
      ),
    );
    const widths = await Promise.all([a, b, c].map((p) => receivedWidth(p)));
    console.log(
      `[adaptive] over 60 s: longest stalls A / B / C ${worst.join(' / ')} ms; widths ${widths.join(' / ')}`,
    );
    if (worst.some((w) => w > 1000))
      console.log(`[adaptive] the SFU meanwhile:\n${describeViewers(feed!, watchedFrom)}`);
    for (const w of worst) expect(w).toBeLessThanOrEqual(1000);
    // A's link is this machine's own; a dip of its estimate (two cores busy) is climbed back from.
    await widthReached(a, (w) => w === top.frameWidth, 10_000, 'A (unlimited) after 60 s');
    expect(widths[1]).toBeLessThan(top.frameWidth);
    expect(widths[2]).toBeLessThan(middle.frameWidth);

    await nsB.shape(undefined);
    const up = await widthReached(b, (w) => w === top.frameWidth, 20_000, 'B after its limit was lifted');
    console.log(`[adaptive] B's limit lifted: back on the top layer after ${up} ms`);
  });

  it('negative control: with Adaptive quality off, the narrow link stalls', async () => {
    const links = await stage([94]);
    const [ns] = namespaces as [Netns];
    const cameraBrowser = await browserIn(undefined);
    const camera = await startCamera(cameraBrowser, links.camera, {
      resolution: 'SD 1280×640',
      fps: 15,
      source: 'pattern-busy',
    });
    await camera.getByTestId('adaptive-quality').uncheck();
    // The layers it no longer sends stay in its stats, at no bitrate.
    const sending = async (ms: number) => (await sentLayers(camera, ms)).filter((l) => l.bitrateBps > 0);
    await expect.poll(async () => (await sending(1000)).length, { timeout: 10_000 }).toBe(1);
    const [only] = (await sending(3000)) as [SentLayer];
    const viewer = await openViewerConnection(await browserIn(ns), links.viewer);
    // The same link as C's above: about a third of the one layer's bitrate.
    const limit = Math.round((only.bitrateBps * 0.35) / 1000);
    await ns.shape(limit);
    const stalls = await watchStalls(viewer);
    await viewer.waitForTimeout(30_000);
    const worst = await stalls.stop();
    console.log(
      `[adaptive] one layer of ${kbit(only.bitrateBps)} kbit/s over ${limit} kbit/s: longest stall ${worst} ms`,
    );
    expect(worst).toBeGreaterThan(1000);
  });

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
