// The benchmark's adaptation scenario: one viewer in a network namespace whose downlink is shaped with tc
// (htb) to half the camera's top layer, then freed. Measured twice in the same run — the camera sending
// three layers (Adaptive quality on) and one (off): how long the viewer takes to go down a layer, how long
// its picture stands still over the narrow period (and after its first 10 s, the switch), and how long it
// takes to get the top layer back.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { chromiumIn, createNetns, type Netns } from '../support/netns.js';
import { operatorLinks } from '../support/network-stage.js';
import { freePort, startService, type RunningService } from '../support/service.js';
import { openViewerConnection } from '../support/viewer.js';
import { sentLayers, steadyLayers, timeToWidth } from '../support/webrtc.js';
import type { Log } from './scenarios.js';

/** A gap between decoded frames longer than this is a stall (three frames at 15 fps). */
const STALL_MS = 200;
/** The time a viewer is given to switch down (issue 18's proof); stalls after it are the steady ones. */
const SWITCH_WINDOW_MS = 10_000;

export interface AdaptationRun {
  layers: number;
  /** The link's limit while narrow, kbit/s, and the top layer's bitrate it halves. */
  limitKbps: number;
  topKbps: number;
  /** Link narrowed → the viewer decodes a narrower layer (null: it never did, e.g. one layer). */
  downMs: number | null;
  /** Over the narrow period: the time without new frames (gaps over STALL_MS), and the longest gap. */
  stallTotalMs: number;
  longestStallMs: number;
  /** The longest time without new frames after the first SWITCH_WINDOW_MS of the narrow period. */
  longestStallAfterSwitchMs: number;
  /** Link freed → the viewer decodes the top layer again (null: not within 30 s, or one layer). */
  upMs: number | null;
}

/** A stall: when it ended (epoch ms) and how long it was. */
interface Stall {
  endedAt: number;
  ms: number;
}

/** Starts counting the page's stalls (decoded-frame gaps over STALL_MS); `stop` gives each of them. */
async function countStalls(page: Page): Promise<{ stop: () => Promise<Stall[]> }> {
  await page.evaluate((stallMs) => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __gaps?: { stop: () => Stall[] } };
    let frames = 0;
    let last = performance.now();
    const gaps: Stall[] = [];
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      let n = 0;
      for (const pc of w.__pcs) {
        if (pc.connectionState === 'closed') continue;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video' && typeof s.framesDecoded === 'number')
            n += s.framesDecoded;
        });
      }
      const now = performance.now();
      if (n > frames) {
        if (now - last > stallMs) gaps.push({ endedAt: Date.now(), ms: now - last });
        last = now;
      }
      frames = Math.max(frames, n);
      busy = false;
    };
    const timer = setInterval(() => void tick(), 50);
    w.__gaps = {
      stop: () => {
        clearInterval(timer);
        const open = performance.now() - last;
        return open > stallMs ? [...gaps, { endedAt: Date.now(), ms: open }] : gaps;
      },
    };
  }, STALL_MS);
  return {
    stop: () => page.evaluate(() => (window as unknown as { __gaps: { stop: () => Stall[] } }).__gaps.stop()),
  };
}

async function run(layered: boolean, narrowS: number, subnet: number, log: Log): Promise<AdaptationRun> {
  const ns: Netns = await createNetns(`ib-bench${subnet}`, subnet);
  const browsers: Browser[] = [];
  let service: RunningService | undefined;
  try {
    const port = await freePort();
    service = await startService({
      PORT: String(port),
      PUBLIC_URL: `http://${ns.hostIp}:${port}`,
      HOST: ns.hostIp,
      RTC_LISTEN_IP: ns.hostIp,
      TOKEN_SECRET: 'bench-adaptation-secret-0123456789abcdef012345',
      OPERATOR_PASSWORD: 'bench-adaptation-operator-password',
    });
    const { url } = service;
    const links = await operatorLinks(url, 'bench-adaptation-operator-password', 'adapt');
    const open = async (inside: boolean) => {
      const browser = await launchBrowser({
        args: [`--unsafely-treat-insecure-origin-as-secure=${url}`],
        ...(inside && { executablePath: await chromiumIn(ns) }),
      });
      browsers.push(browser);
      return browser;
    };
    const camera = await startCamera(await open(false), links.camera, {
      resolution: 'SD 1280×640',
      fps: 15,
      source: 'pattern-busy',
    });
    if (!layered) {
      await camera.getByTestId('adaptive-quality').uncheck();
      for (let i = 0; i < 50; i++) {
        if ((await sentLayers(camera, 500)).filter((l) => l.bitrateBps > 0).length === 1) break;
      }
    }
    const layers = (await steadyLayers(camera)).filter((l) => l.bitrateBps > 0);
    const top = layers[layers.length - 1]!;
    const viewer = await openViewerConnection(await open(true), links.viewer);
    if ((await timeToWidth(viewer, (w) => w === top.frameWidth, 15_000)) === null)
      throw new Error(`the viewer never decoded the top layer (${top.frameWidth} px) on a free link`);

    const limitKbps = Math.round(top.bitrateBps / 2 / 1000);
    const stalls = await countStalls(viewer);
    await ns.shape(limitKbps);
    const narrowedAt = Date.now();
    const downMs =
      layers.length > 1
        ? await timeToWidth(viewer, (w) => w > 0 && w < top.frameWidth, narrowS * 1000)
        : null;
    await sleep(Math.max(0, narrowedAt + narrowS * 1000 - Date.now()));
    const seen = await stalls.stop();
    // Of each stall, the part after the switch window.
    const settledAt = narrowedAt + SWITCH_WINDOW_MS;
    const afterSwitch = seen.map((g) => Math.min(g.ms, g.endedAt - settledAt));
    await ns.shape(undefined);
    // One layer has nothing to climb back to (its width never changed; its stalls say what it cost).
    const upMs = layers.length > 1 ? await timeToWidth(viewer, (w) => w === top.frameWidth, 30_000) : null;
    const result = {
      layers: layers.length,
      limitKbps,
      topKbps: Math.round(top.bitrateBps / 1000),
      downMs,
      stallTotalMs: Math.round(seen.reduce((sum, g) => sum + g.ms, 0)),
      longestStallMs: Math.round(Math.max(0, ...seen.map((g) => g.ms))),
      longestStallAfterSwitchMs: Math.round(Math.max(0, ...afterSwitch)),
      upMs,
    };
    log(`adaptation, ${layers.length} layer(s): ${JSON.stringify(result)}`);
    return result;
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await service?.stop();
    await ns.remove();
  }
}

/** The same narrow link, with the camera's three layers and with one: what the layers buy. */
export async function adaptation(opts: { narrowS: number }, log: Log) {
  if (process.getuid?.() !== 0) return { unavailable: 'network namespaces need root' };
  const simulcast = await run(true, opts.narrowS, 97, log);
  const oneLayer = await run(false, opts.narrowS, 98, log);
  return { narrowS: opts.narrowS, simulcast, oneLayer };
}
