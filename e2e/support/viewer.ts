// A viewer page that is live and decoding, and a way to prove later that no page was reloaded.
import type { Browser, Page } from 'playwright-core';
import { newPage } from './browser.js';
import { waitForMediaFlow } from './webrtc.js';

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
