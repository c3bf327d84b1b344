// The ingest paths, measured. Glass to glass through each way a camera can arrive, in one run on one machine:
// the camera page (Chromium drawing its time code), WHIP (simple-whip-client, GStreamer x264), RTMP copied
// and RTMP re-encoded (ffmpeg, x264). The non-browser sources encode raw frames this process writes, each
// with the wall-clock time code the camera page draws (web/src/camera/timecode.ts), at the moment it is
// written; a viewer page reads it back from every decoded frame. And what the bridge costs: the CPU of the
// ingest's ffmpeg while an RTMP source sends a pre-made clip, copied or re-encoded, at 1920×960 and 3840×1920.
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { TIMECODE_CELLS, TIMECODE_HEIGHT, timecodeCells } from '../../web/src/camera/timecode.js';
import { launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { makeClip, startEncoder } from '../support/encoder.js';
import { startService, type RunningService } from '../support/service.js';
import { operatorLinks } from '../support/network-stage.js';
import { startWhipClient } from '../support/whip-client.js';
import { readGlassToGlass, type Log } from './scenarios.js';

const PASSWORD = 'bench-ingest-operator-password';
const FPS = 30;

/** Raw I420 frames, a grey picture whose bottom strip carries the time each frame is handed over. */
function timecodeFrames(
  width: number,
  height: number,
  sink: NodeJS.WritableStream,
): { stop: () => void; state: () => string } {
  const ySize = width * height;
  const frame = Buffer.alloc(ySize * 1.5, 128);
  frame.fill(90, 0, ySize);
  const top = Math.round(height * (1 - TIMECODE_HEIGHT));
  const cellW = width / TIMECODE_CELLS;
  let busy = false;
  let handed = 0;
  let skipped = 0;
  let lastTaken = 0;
  const timer = setInterval(() => {
    if (busy) return void skipped++; // the encoder is behind: a frame dropped here, never a stale time code queued
    timecodeCells(Date.now()).forEach((white, i) => {
      const x0 = Math.round(i * cellW);
      const x1 = Math.min(width, x0 + Math.ceil(cellW));
      for (let y = top; y < height; y++) frame.fill(white ? 235 : 16, y * width + x0, y * width + x1);
    });
    // A frame is larger than a pipe's buffer: the next one waits until this one is taken.
    busy = !sink.write(Buffer.from(frame));
    handed++;
    if (busy)
      sink.once('drain', () => {
        busy = false;
        lastTaken = Date.now();
      });
  }, 1000 / FPS);
  return {
    stop: () => clearInterval(timer),
    state: () =>
      `frames handed ${handed}, skipped ${skipped}, last taken ${lastTaken ? Date.now() - lastTaken : '∞'} ms ago, waiting: ${busy}`,
  };
}

/** ffmpeg encoding the raw frames (x264) with a tone (AAC) and pushing them to an RTMP URL. */
function rtmpTimecodeSource(url: string, width: number, height: number, bframes: boolean) {
  const x264 = bframes ? ['-profile:v', 'main', '-bf', '2'] : ['-profile:v', 'baseline'];
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-use_wallclock_as_timestamps', '1'],
      ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-framerate', String(FPS)],
      ...['-i', 'pipe:0', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', ...x264, '-g', String(FPS)],
      ...['-b:v', '4M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', url],
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  child.stdin.on('error', () => {});
  const { stop } = timecodeFrames(width, height, child.stdin);
  return () => {
    stop();
    child.kill('SIGKILL');
  };
}

/** simple-whip-client encoding the raw frames (GStreamer x264, Baseline) with a tone (Opus). */
async function whipTimecodeSource(url: string, token: string, width: number, height: number) {
  let feed: ReturnType<typeof timecodeFrames> | undefined;
  const video =
    `fdsrc fd=0 do-timestamp=true blocksize=${width * height * 1.5} ! rawvideoparse format=i420 width=${width} height=${height} framerate=${FPS}/1 ! queue ! ` +
    `x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${FPS} bitrate=4000 ! video/x-h264,profile=constrained-baseline ! ` +
    'rtph264pay config-interval=-1 pt=96 ssrc=2 ! queue ! application/x-rtp,media=video,encoding-name=H264,payload=96';
  const audio =
    'audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue ! opusenc ! rtpopuspay pt=100 ssrc=1 ! queue ! application/x-rtp,media=audio,encoding-name=OPUS,payload=100';
  const client = await startWhipClient({
    url,
    token,
    video,
    audio,
    feed: (stdin) => (feed = timecodeFrames(width, height, stdin)),
  });
  return {
    logs: client.logs,
    state: () => feed?.state() ?? 'no feed',
    stop: async () => {
      feed?.stop();
      await client.stop(); // SIGTERM: it DELETEs its session, freeing the room for the next source
    },
  };
}

/** A running source: how to stop it, and what it printed, if it prints. */
interface Source {
  stop: () => unknown;
  logs?: string[];
  /** How it is doing, when it can say. */
  state?: () => string;
}

/** A viewer page's glass to glass while `start`'s source sends; the source is stopped after. */
async function through(
  browser: Browser,
  service: RunningService,
  room: string,
  seconds: number,
  log: Log,
  start: () => Promise<Source>,
) {
  const serviceLogsBefore = service.logs.length;
  const source = await start();
  try {
    const { context, page } = await newPage(browser, { width: 1280, height: 720 });
    try {
      await page.goto(`${service.url}/watch/${room}`);
      await page.locator('main[data-phase="live"]').waitFor({ timeout: 30_000 });
      await sleep(2000); // past the first keyframes and the jitter buffer's settling
      return await readGlassToGlass(page, seconds, log);
    } finally {
      await context.close();
    }
  } catch (err) {
    // What the source and the service said while it failed, so that a failure in CI explains itself.
    const metrics = await fetch(`${service.url}/metrics`).then((r) => r.text(), String);
    const said = [
      source.state?.() ?? '',
      ...(source.logs ?? []).slice(-40),
      ...service.logs
        .slice(serviceLogsBefore)
        .filter((l) => !l.includes('"reqId"'))
        .slice(-40),
      ...metrics.split('\n').filter((l) => l.startsWith('inclubit_transport_bytes')),
    ];
    throw new Error(`${(err as Error).message}\n${said.join('\n')}`);
  } finally {
    await source.stop();
    await sleep(1500); // the room sees its camera leave before the next source
  }
}

export async function ingestLatency(opts: { seconds: number; width: number; height: number }, log: Log) {
  const { width, height, seconds } = opts;
  const service = await startService({
    TOKEN_SECRET: 'bench-ingest-secret-0123456789abcdefghijkl',
    OPERATOR_PASSWORD: PASSWORD,
  });
  const browser = await launchBrowser();
  try {
    const links = await operatorLinks(service.url, PASSWORD, 'bench-ingest');
    const room = links.room;
    const rtmp = `${links.rtmp!.url.replace('//localhost:', '//127.0.0.1:')}/${links.rtmp!.key}`;
    const cameraToken = links.cameraToken;
    log('browser camera');
    const browserCamera = await through(browser, service, room, seconds, log, async () => {
      const camera = await startCamera(browser, links.camera, { resolution: `HD ${width}×${height}` });
      return { stop: () => camera.context().close() };
    });
    log('WHIP (simple-whip-client)');
    const whip = await through(browser, service, room, seconds, log, () =>
      whipTimecodeSource(links.whip, cameraToken, width, height),
    );
    log('RTMP, copied');
    const rtmpCopy = await through(browser, service, room, seconds, log, async () => ({
      stop: rtmpTimecodeSource(rtmp, width, height, false),
    }));
    log('RTMP with B-frames, re-encoded');
    const rtmpReencode = await through(browser, service, room, seconds, log, async () => ({
      stop: rtmpTimecodeSource(rtmp, width, height, true),
    }));
    return { width, height, browser: browserCamera, whip, rtmpCopy, rtmpReencode };
  } finally {
    await browser.close();
    await service.stop();
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

/** The ingest bridge's CPU (cores) while an RTMP source sends a clip, per size, copied and re-encoded. */
export async function ingestCost(opts: { seconds: number; sizes: string[] }, log: Log) {
  const service = await startService({
    TOKEN_SECRET: 'bench-ingest-secret-0123456789abcdefghijkl',
    OPERATOR_PASSWORD: PASSWORD,
  });
  const out: { size: string; mode: 'copy' | 're-encode'; cpuCores: number; restarts: number }[] = [];
  try {
    const links = await operatorLinks(service.url, PASSWORD, 'bench-cost');
    const rtmp = `${links.rtmp!.url.replace('//localhost:', '//127.0.0.1:')}/${links.rtmp!.key}`;
    for (const size of opts.sizes) {
      for (const kind of ['baseline', 'bframes'] as const) {
        log(`making the ${size} ${kind} clip`);
        const clip = await makeClip(kind, size);
        const source = startEncoder(rtmp, clip);
        try {
          const started = () => service.logs.filter((l) => l.includes('ingest bridge started')).length;
          const before = started();
          for (let i = 0; i < 100 && started() === before; i++) await sleep(100);
          const line = service.logs.filter((l) => l.includes('ingest bridge started')).at(-1)!;
          const pid = (JSON.parse(line) as { pid: number }).pid;
          await sleep(3000); // settled
          const t0 = ticks(pid);
          const at = Date.now();
          await sleep(opts.seconds * 1000);
          const cpuCores = (ticks(pid) - t0) / TICKS_PER_SECOND / ((Date.now() - at) / 1000);
          const mode = kind === 'baseline' ? 'copy' : 're-encode';
          // A bridge that falls behind its input is restarted (bridge.ts): none means it kept up.
          const restarts = started() - before - 1;
          log(`${size} ${mode}: bridge ${cpuCores.toFixed(2)} cores, ${restarts} restarts`);
          out.push({ size, mode, cpuCores: Math.round(cpuCores * 100) / 100, restarts });
        } finally {
          await source.stop();
          await sleep(1500);
        }
      }
    }
    return out;
  } finally {
    await service.stop();
  }
}
