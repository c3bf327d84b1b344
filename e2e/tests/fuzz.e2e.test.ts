// 10 000+ hostile signaling messages from several sockets while a real camera streams to a real viewer:
// the service stays up, answers every message with a typed error (or the announced close), never an
// internal error, and the viewer keeps decoding throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';
import { startCamera } from '../support/camera.js';
import { progressOver, waitForMediaFlow } from '../support/webrtc.js';
import { FuzzSocket, fuzzFrame, prng } from '../support/fuzz.js';

const ROOM = 'e2e-fuzz';
const SOCKETS = 8;
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 10_000);
const FLOODS = 4;
const SEED = 20261126;

let service: RunningService;
let browser: Browser;
let viewer: Page;

beforeAll(async () => {
  // A generous per-connection rate so sequential fuzz traffic is processed; the floods still exceed it.
  service = await startService({ WS_RATE_PER_SECOND: '2000', WS_RATE_BURST: '500' });
  browser = await launchBrowser();
  await startCamera(browser, `${service.url}/camera/${ROOM}`);
  ({ page: viewer } = await newPage(browser));
  await viewer.goto(`${service.url}/watch/${ROOM}`);
  await viewer.locator('main[data-phase="live"]').waitFor({ timeout: 20_000 });
  await waitForMediaFlow(viewer, 'viewer before the fuzz');
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe('fuzzing the signaling', () => {
  it('survives 10 000 malformed messages and floods; the viewer never stops decoding', async () => {
    const wsUrl = `${service.url.replace('http', 'ws')}/ws`;
    const counts = new Map<string, number>();
    const byKind = new Map<string, Set<string>>();
    let sent = 0;
    let done = false;

    // Watch the viewer while the fuzz runs: every 1.5 s window must show new frames.
    const windows: number[] = [];
    const watching = (async () => {
      while (!done) windows.push((await progressOver(viewer, 1500)).frames);
    })();

    const worker = async (n: number) => {
      const rand = prng(SEED + n);
      let socket = await FuzzSocket.open(wsUrl);
      for (let i = 0; i < MESSAGES / SOCKETS; i++) {
        if (!socket.open) socket = await FuzzSocket.open(wsUrl);
        const frame = fuzzFrame(rand, i, ROOM);
        const result = await socket.send(frame);
        sent++;
        counts.set(result, (counts.get(result) ?? 0) + 1);
        if (!byKind.has(frame.kind)) byKind.set(frame.kind, new Set());
        byKind.get(frame.kind)!.add(result);
      }
      socket.close();
    };
    const flooder = async () => {
      const socket = await FuzzSocket.open(wsUrl);
      return socket.flood(JSON.stringify({ type: 'request', id: 1, method: 'nope', data: {} }), 5000);
    };

    const [floodCloses] = await Promise.all([
      Promise.all(Array.from({ length: FLOODS }, flooder)),
      Promise.all(Array.from({ length: SOCKETS }, (_, n) => worker(n))),
    ]);
    done = true;
    await watching;

    console.log(`[fuzz] ${sent} messages from ${SOCKETS} sockets (seed ${SEED}), ${FLOODS} floods`);
    console.log(
      `[fuzz] answers: ${JSON.stringify(Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])))}`,
    );
    console.log(
      `[fuzz] by kind: ${JSON.stringify(Object.fromEntries([...byKind].map(([k, v]) => [k, [...v]])))}`,
    );
    console.log(
      `[fuzz] flood closes: ${JSON.stringify(floodCloses)}; viewer frames per 1.5 s window: ${windows.join(',')}`,
    );

    expect(sent).toBeGreaterThanOrEqual(MESSAGES);
    // Every message was answered, and only with typed outcomes: never silence, never an internal error.
    expect(counts.has('no answer')).toBe(false);
    expect(counts.has('internal')).toBe(false);
    const allowed =
      /^(ok|bad_json|bad_request|unknown_method|not_joined|already_joined|forbidden|not_found|invalid_state|cannot_consume|camera_taken|too_large\+closed:1009|closed:1009)$/;
    for (const result of counts.keys()) expect(result).toMatch(allowed);
    expect(floodCloses.every((c) => c === 4029)).toBe(true);
    // The broadcast went on.
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.every((f) => f > 0)).toBe(true);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});
