// What a class's gaze costs: a camera page live, a class of synthetic gazers (the load-test page's viewers
// without media) joined, then reporting a wandering gaze as often as viewer pages may. Measured twice over
// the same window — gazers joined and quiet, then reporting — the service's own process CPU (the gaze relay
// runs there; the media workers do not see it) and the camera page's drawing: its animation frames and its
// preview's video frames a second, with the presence overlay drawing every dot.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { overlayDots } from '../support/presence.js';
import { openLoadTest, openStage, type Log } from './scenarios.js';

const TICKS_PER_SECOND = 100; // USER_HZ

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/** Animation frames and preview video frames the camera page showed over `seconds`, per second. */
async function cameraDrawing(camera: Page, seconds: number): Promise<{ rafFps: number; videoFps: number }> {
  return camera.evaluate(async (s) => {
    const video = document.querySelector('video.preview') as HTMLVideoElement;
    let raf = 0;
    let frames = 0;
    let on = true;
    const tick = () => {
      raf++;
      if (on) requestAnimationFrame(tick);
    };
    const frame = () => {
      frames++;
      if (on) video.requestVideoFrameCallback(frame);
    };
    requestAnimationFrame(tick);
    video.requestVideoFrameCallback(frame);
    await new Promise((r) => setTimeout(r, s * 1000));
    on = false;
    return { rafFps: raf / s, videoFps: frames / s };
  }, seconds);
}

/** The load-test page's gazers (window.inclubitGazers, web/src/loadtest/synthetic-gazers.ts). */
interface Gazers {
  add(n: number): Promise<number>;
  start(): void;
  stop(): void;
  totals(): { gazers: number; sent: number; refused: number };
}

type WithGazers = { inclubitGazers: Gazers };
const addGazers = (page: Page, n: number) =>
  page.evaluate((count) => (window as unknown as WithGazers).inclubitGazers.add(count), n);
const startGazing = (page: Page, on: boolean) =>
  page.evaluate((start) => {
    const g = (window as unknown as WithGazers).inclubitGazers;
    if (start) g.start();
    else g.stop();
  }, on);
const gazeTotals = (page: Page) =>
  page.evaluate(() => (window as unknown as WithGazers).inclubitGazers.totals());

export async function presenceLoad(opts: { gazers: number; seconds: number }, log: Log) {
  const room = 'bench-presence';
  const stage = await openStage(room, 'Low 960×480');
  try {
    const pid = stage.service.process.pid!;
    const loadPage = await openLoadTest(stage, room);
    await addGazers(loadPage, opts.gazers);
    log(`${opts.gazers} gazers joined`);
    await sleep(2000);

    const window = async () => {
      const t0 = cpuTicks(pid);
      const at = Date.now();
      const drawing = await cameraDrawing(stage.camera, opts.seconds);
      const cpu = (cpuTicks(pid) - t0) / TICKS_PER_SECOND / ((Date.now() - at) / 1000);
      return { cpu, ...drawing };
    };
    const quiet = await window();
    await startGazing(loadPage, true);
    await sleep(1000);
    const before = await gazeTotals(loadPage);
    const busy = await window();
    const after = await gazeTotals(loadPage);
    await startGazing(loadPage, false);
    const dots = await overlayDots(stage.camera.getByTestId('presence-overlay'));
    const reportsPerSecond = (after.sent - before.sent) / opts.seconds;
    const result = {
      gazers: opts.gazers,
      seconds: opts.seconds,
      reportsPerSecond: Math.round(reportsPerSecond),
      refused: after.refused,
      dotsShown: dots.length,
      serviceCpuQuiet: Math.round(quiet.cpu * 1000) / 10,
      serviceCpuGaze: Math.round(busy.cpu * 1000) / 10,
      gazeCpuPercent: Math.round((busy.cpu - quiet.cpu) * 1000) / 10,
      cameraRafFps: Math.round(busy.rafFps),
      cameraVideoFps: Math.round(busy.videoFps),
      cameraRafFpsQuiet: Math.round(quiet.rafFps),
      cameraVideoFpsQuiet: Math.round(quiet.videoFps),
    };
    log(
      `${result.reportsPerSecond} reports/s: service ${result.serviceCpuQuiet} % → ${result.serviceCpuGaze} % of a core; camera page ${result.cameraRafFps} frames/s, preview ${result.cameraVideoFps} fps; ${result.dotsShown} dots`,
    );
    return result;
  } finally {
    await stage.close();
  }
}
