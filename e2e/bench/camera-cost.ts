// What simulcast costs the camera laptop: the camera page sending its busy test pattern, at 1920×960 and at
// 3840×1920, with Adaptive quality on (three layers) and off (one), alone in its browser with no viewer. The
// browser's CPU (every one of its processes, from /proc) over a window once the encoder has settled, and the
// layers it actually sent — a browser short of CPU lowers a layer's frame rate or drops a layer.
import { readFileSync, readdirSync } from 'node:fs';
import { launchBrowser } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { startService } from '../support/service.js';
import { sentLayers, steadyLayers } from '../support/webrtc.js';
import type { Log } from './scenarios.js';

const TICKS_PER_SECOND = 100; // USER_HZ

/** CPU time (ticks) used so far by every Chromium process on this machine: the only browser running. */
function chromiumTicks(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/^(chromium|chrome)/.test(name)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      /* the process ended meanwhile */
    }
  }
  return ticks;
}

export interface CameraCost {
  resolution: string;
  layers: 1 | 3;
  /** The browser's CPU over the window, in cores (1 = one core fully busy). */
  cpuCores: number;
  /** What went out meanwhile, narrowest first. */
  sent: { width: number; fps: number; kbps: number }[];
}

export async function cameraCost(
  opts: { seconds: number; resolutions: string[] },
  log: Log,
): Promise<CameraCost[]> {
  const out: CameraCost[] = [];
  for (const resolution of opts.resolutions) {
    for (const layers of [3, 1] as const) {
      const service = await startService();
      const browser = await launchBrowser();
      try {
        const camera = await startCamera(browser, `${service.url}/camera/bench-camera`, {
          resolution,
          source: 'pattern-busy',
          adaptive: layers === 3,
        });
        await steadyLayers(camera);
        const ticks0 = chromiumTicks();
        const t0 = performance.now();
        const sent = await sentLayers(camera, opts.seconds * 1000);
        const seconds = (performance.now() - t0) / 1000;
        const cpuCores = (chromiumTicks() - ticks0) / TICKS_PER_SECOND / seconds;
        const cost: CameraCost = {
          resolution,
          layers,
          cpuCores: Math.round(cpuCores * 100) / 100,
          sent: sent
            .filter((l) => l.bitrateBps > 0)
            .map((l) => ({ width: l.frameWidth, fps: l.fps, kbps: Math.round(l.bitrateBps / 1000) })),
        };
        log(`${resolution}, ${layers} layer(s): ${cost.cpuCores} cores; sent ${JSON.stringify(cost.sent)}`);
        out.push(cost);
      } finally {
        await browser.close();
        await service.stop();
      }
    }
  }
  return out;
}
