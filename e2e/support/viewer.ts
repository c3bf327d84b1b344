// A viewer page that is live and decoding, and a way to prove later that no page was reloaded.
import type { Browser, Page } from 'playwright-core';
import { newPage } from './browser.js';
import { progressOver, waitFor, waitForMediaFlow } from './webrtc.js';

/** Opens `url` in a new viewer page and resolves once it decodes video and receives audio; marks it. */
export async function openViewer(
  browser: Browser,
  url: string,
  viewport?: { width: number; height: number },
): Promise<Page> {
  const { page } = await newPage(browser, viewport);
  await page.goto(url);
  await page.locator('main[data-phase="live"]').waitFor({ timeout: 30_000 });
  await waitForMediaFlow(page, `viewer at ${url}`, 30_000);
  return markDocument(page);
}

/** Marks the page's document; a reload loses the mark (see sameDocument). */
export async function markDocument(page: Page): Promise<Page> {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  return page;
}

/** True while the page shows the document markDocument marked: it was never reloaded. */
export const sameDocument = (page: Page): Promise<boolean> =>
  page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

/**
 * One viewer connection on the load-test page (the viewer page's connection, showing nothing) for the viewer
 * link `url`; resolves once it decodes video. Where a test needs many browsers on this machine's two cores,
 * a connection costs a fraction of a 3D view.
 */
export async function openViewerConnection(browser: Browser, url: string): Promise<Page> {
  const { page } = await newPage(browser, { width: 320, height: 180 });
  await page.goto(url.replace('/watch/', '/loadtest/'));
  await page.waitForFunction(() => 'inclubitLoadTest' in window);
  await page.evaluate(() =>
    (window as unknown as { inclubitLoadTest: { add(n: number): void } }).inclubitLoadTest.add(1),
  );
  // It plays nothing: its audio is received, not rendered (no samples), its video decoded.
  await waitFor(
    () => progressOver(page, 1000),
    (p) => p.frames >= 5 && p.audioPackets >= 10,
    { timeoutMs: 30_000, intervalMs: 0, what: `viewer connection at ${url}` },
  );
  return markDocument(page);
}
