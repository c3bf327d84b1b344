// The benchmark's browser scenarios: the real service, the camera page in Chromium drawing its test pattern,
// and viewers — full viewer pages where the picture matters (glass-to-glass, join time), synthetic viewers
// from the load-test page where the numbers of viewers matter (keyframe storm, churn).
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { readTimecode } from '../../web/src/camera/timecode.js';
import { launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { metric } from '../support/metrics.js';
import { startService, type RunningService } from '../support/service.js';
import { outboundVideo } from '../support/webrtc.js';

export type Log = (line: string) => void;

export interface Stage {
  service: RunningService;
  browser: Browser;
  camera: Page;
  close(): Promise<void>;
}

export async function openStage(
  room: string,
  resolution: string,
  env: Record<string, string> = {},
): Promise<Stage> {
  const service = await startService(env);
  const browser = await launchBrowser();
  try {
    const camera = await startCamera(browser, `${service.url}/camera/${room}`, { resolution });
    return {
      service,
      browser,
      camera,
      close: async () => {
        await browser.close();
        await service.stop();
      },
    };
  } catch (error) {
    await browser.close();
    await service.stop();
    throw error;
  }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Glass to glass: the camera page draws the wall-clock time into each frame (the test pattern's time code);
 * the viewer page reads it back from every decoded frame at the moment it is to be shown.
 */
export async function glassToGlass(opts: { seconds: number; width: number; height: number }, log: Log) {
  const label = `HD ${opts.width}×${opts.height}`;
  const stage = await openStage('bench-g2g', label);
  try {
    const { page } = await newPage(stage.browser, { width: 1280, height: 720 });
    await page.goto(`${stage.service.url}/watch/bench-g2g`);
    await page.locator('main[data-phase="live"]').waitFor({ timeout: 30_000 });
    return { ...(await readGlassToGlass(page, opts.seconds, log)), width: opts.width, height: opts.height };
  } finally {
    await stage.close();
  }
}

/**
 * Reads the time code of every frame the viewer page decodes, at the moment it is to be shown, for `seconds`:
 * how old each frame's picture is (glass to glass), from whatever drew the time code (the camera page, or a
 * bench source writing it into raw frames).
 */
export async function readGlassToGlass(page: Page, seconds: number, log: Log) {
  await page.evaluate(`globalThis.__readTimecode = ${readTimecode.toString()}`);
  await page.evaluate(() => {
    type Reader = (px: Uint8ClampedArray, w: number, h: number) => number | undefined;
    const w = window as unknown as { __readTimecode: Reader; __ages: number[]; __misses: number };
    w.__ages = [];
    w.__misses = 0;
    const video = document.querySelector('video.media-sink') as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 160;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const onFrame = (_now: number, frame: VideoFrameCallbackMetadata) => {
      ctx.drawImage(video, 0, 0, 320, 160);
      const code = w.__readTimecode(ctx.getImageData(0, 0, 320, 160).data, 320, 160);
      // When the frame is to be on screen, in the same wall clock the camera page drew with.
      const shownAt = performance.timeOrigin + frame.expectedDisplayTime;
      if (code === undefined) w.__misses++;
      else w.__ages.push(((Math.round(shownAt) >>> 0) - code) >>> 0);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  });
  log(`glass-to-glass: reading time codes for ${seconds} s`);
  await sleep(seconds * 1000);
  const { ages, misses } = await page.evaluate(() => {
    const w = window as unknown as { __ages: number[]; __misses: number };
    return { ages: w.__ages, misses: w.__misses };
  });
  if (ages.length === 0) throw new Error(`no time code read from ${misses} decoded frames`);
  return {
    samples: ages.length,
    unreadable: misses,
    p50Ms: percentile(ages, 0.5),
    p95Ms: percentile(ages, 0.95),
  };
}

/** Viewer pages opened one after another: join answered → first decoded frame, and page open → frame. */
export async function joinTime(opts: { joins: number; resolution: string }, log: Log) {
  const stage = await openStage('bench-join', opts.resolution);
  try {
    const fromJoin: number[] = [];
    const fromOpen: number[] = [];
    const toConsumed: number[] = [];
    const toConnected: number[] = [];
    for (let i = 0; i < opts.joins; i++) {
      const { context, page } = await newPage(stage.browser);
      await page.goto(`${stage.service.url}/watch/bench-join`);
      const marks = await page.waitForFunction(
        () => {
          const at = (name: string) => performance.getEntriesByName(name, 'mark')[0]?.startTime;
          const joined = at('inclubit:joined');
          const frame = at('inclubit:first-frame');
          if (joined === undefined || frame === undefined) return undefined;
          // Where the time went: consumed (transport made, track consumed and resumed), ICE+DTLS connected.
          const consumed = at('inclubit:consumed-video') ?? frame;
          const connected = at('inclubit:transport-connected') ?? frame;
          return { joined, frame, consumed, connected };
        },
        undefined,
        { timeout: 30_000, polling: 50 },
      );
      const { joined, frame, consumed, connected } = (await marks.jsonValue())!;
      fromJoin.push(frame - joined);
      fromOpen.push(frame);
      toConsumed.push(consumed - joined);
      toConnected.push(connected - joined);
      await context.close();
      log(`join ${i + 1}/${opts.joins}: first frame ${Math.round(frame - joined)} ms after the join`);
    }
    return {
      samples: fromJoin.length,
      p50Ms: round1(percentile(fromJoin, 0.5)),
      p95Ms: round1(percentile(fromJoin, 0.95)),
      pageOpenP50Ms: round1(percentile(fromOpen, 0.5)),
      pageOpenP95Ms: round1(percentile(fromOpen, 0.95)),
      consumedP50Ms: round1(percentile(toConsumed, 0.5)),
      connectedP50Ms: round1(percentile(toConnected, 0.5)),
    };
  } finally {
    await stage.close();
  }
}

/** What web/src/loadtest/synthetic-viewers.ts offers a script (the web app's modules do not load in Node). */
interface LoadTest {
  add(count: number): void;
  remove(count: number): void;
  list(): { id: number; phase: string; joinedAt?: number; liveAt?: number }[];
  totals(): { added: number; wentLive: number };
}

export async function openLoadTest(stage: Stage, room: string): Promise<Page> {
  const { page } = await newPage(stage.browser);
  await page.goto(`${stage.service.url}/loadtest/${room}`);
  await page.waitForFunction(() => 'inclubitLoadTest' in window);
  return page;
}

/** Calls one method of the load-test page's viewers (window.inclubitLoadTest) with its arguments. */
function loadTest<K extends keyof LoadTest>(
  page: Page,
  method: K,
  ...args: Parameters<LoadTest[K]>
): Promise<ReturnType<LoadTest[K]>> {
  return page.evaluate<ReturnType<LoadTest[K]>, { method: K; args: unknown[] }>(
    ({ method, args }) => {
      const viewers = (
        window as unknown as { inclubitLoadTest: Record<string, (...a: unknown[]) => unknown> }
      ).inclubitLoadTest;
      return viewers[method]!(...args) as ReturnType<LoadTest[K]>;
    },
    { method, args },
  );
}

/**
 * A class joining at once: `viewers` synthetic viewers started together; the keyframe requests that reach
 * the camera's browser (its WebRTC stats) are sampled every 100 ms while they join.
 */
export async function keyframeStorm(
  opts: { viewers: number; windowS: number; keyFrameMinIntervalMs?: number },
  log: Log,
) {
  const env: Record<string, string> = {};
  if (opts.keyFrameMinIntervalMs !== undefined)
    env.KEYFRAME_MIN_INTERVAL_MS = String(opts.keyFrameMinIntervalMs);
  const stage = await openStage('bench-storm', 'Low 960×480', env);
  try {
    const page = await openLoadTest(stage, 'bench-storm');
    await sleep(2000); // the camera's own start-up keyframes are not the storm's
    const samples: { t: number; requests: number }[] = [];
    const start = Date.now();
    const base = (await outboundVideo(stage.camera)).keyFrameRequests;
    await loadTest(page, 'add', opts.viewers);
    while (Date.now() - start < opts.windowS * 1000) {
      samples.push({
        t: Date.now() - start,
        requests: (await outboundVideo(stage.camera)).keyFrameRequests - base,
      });
      await sleep(100);
    }
    const viewers = await loadTest(page, 'list');
    const joined = viewers.filter((v) => v.joinedAt !== undefined).map((v) => v.joinedAt!);
    const live = viewers.filter((v) => v.liveAt !== undefined).length;
    // The most requests seen within any one second of the window.
    let perSecondMax = 0;
    for (const a of samples) {
      const later = samples.filter((b) => b.t > a.t && b.t <= a.t + 1000);
      const end = later.length > 0 ? later[later.length - 1]!.requests : a.requests;
      perSecondMax = Math.max(perSecondMax, end - a.requests);
    }
    // A request before the first sample counts too.
    perSecondMax = Math.max(perSecondMax, samples.find((s) => s.t >= 1000)?.requests ?? 0);
    log(
      `storm: ${joined.length}/${opts.viewers} joined within ${Math.round(Math.max(...joined) - Math.min(...joined))} ms, ${live} live`,
    );
    return {
      viewers: opts.viewers,
      joined: joined.length,
      live,
      joinSpreadMs: joined.length > 0 ? Math.round(Math.max(...joined) - Math.min(...joined)) : 0,
      requestsPerSecondMax: perSecondMax,
      requestsTotal: samples[samples.length - 1]?.requests ?? 0,
      windowS: opts.windowS,
    };
  } finally {
    await stage.close();
  }
}

/** Resident memory of the service: its Node process and the mediasoup workers it spawned. */
function serviceRssBytes(pid: number): number {
  const rss = (p: number) => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return rss(pid) + children.reduce((n, c) => n + rss(c), 0);
}

const routerObjects = async (url: string) => ({
  transports: await metric(url, 'inclubit_router_objects', { kind: 'transports' }),
  producers: await metric(url, 'inclubit_router_objects', { kind: 'producers' }),
  consumers: await metric(url, 'inclubit_router_objects', { kind: 'consumers' }),
});

/**
 * Viewers come and go: every second the oldest of `concurrent` synthetic viewers leaves and a new one joins.
 * Memory growth is taken from after the first tenth (allocators and caches warm up), and the router dump
 * afterwards must be back to the camera's own objects.
 */
export async function churn(opts: { seconds: number; concurrent: number }, log: Log) {
  const stage = await openStage('bench-churn', 'Low 960×480');
  try {
    const baseline = await routerObjects(stage.service.url);
    const page = await openLoadTest(stage, 'bench-churn');
    await loadTest(page, 'add', opts.concurrent);
    const pid = stage.service.process.pid!;
    const warmupS = Math.max(5, opts.seconds / 10);
    let rssStart = serviceRssBytes(pid);
    let visits = opts.concurrent;
    // A visit lasts `concurrent` seconds: long enough to join and receive video on this machine.
    const started = Date.now();
    for (let s = 1; Date.now() - started < opts.seconds * 1000; s++) {
      await loadTest(page, 'remove', 1);
      await loadTest(page, 'add', 1);
      visits++;
      if (s === Math.round(warmupS)) rssStart = serviceRssBytes(pid);
      if (s % 60 === 0)
        log(`churn: ${s} s, ${visits} visits, RSS ${Math.round(serviceRssBytes(pid) / 2 ** 20)} MiB`);
      await sleep(Math.max(0, started + s * 1000 - Date.now()));
    }
    const rssEnd = serviceRssBytes(pid);
    const live = (await loadTest(page, 'list')).filter((v) => v.phase === 'live').length;
    const totals = await loadTest(page, 'totals');
    await loadTest(page, 'remove', Infinity);
    // Left as a closed tab leaves: the server notices at once (the socket closes), so 3 s is plenty.
    await sleep(3000);
    const after = await routerObjects(stage.service.url);
    return {
      seconds: opts.seconds,
      visits,
      liveAtEnd: live,
      wentLive: totals.wentLive,
      rssGrowthMB: round1((rssEnd - rssStart) / 1e6),
      rssEndMB: round1(rssEnd / 1e6),
      leaked: {
        transports: Math.max(0, after.transports - baseline.transports),
        producers: Math.max(0, after.producers - baseline.producers),
        consumers: Math.max(0, after.consumers - baseline.consumers),
      },
    };
  } finally {
    await stage.close();
  }
}
