// Screenshots as pictures to check, each also kept under test-results/screenshots/ to look at after a run.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { decodePicture, type Picture } from './pixels.js';

const shots = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export async function shot(page: Page, name: string): Promise<Picture> {
  const png = await page.screenshot();
  fs.mkdirSync(shots, { recursive: true });
  fs.writeFileSync(path.join(shots, `${name}.png`), png);
  return decodePicture(png);
}

/**
 * Waits until the page's picture shows what `check` wants (a stream may take a moment to switch); the last
 * picture either way, for the test's own expectations to say what is wrong.
 */
export async function untilPicture(
  page: Page,
  name: string,
  check: (p: Picture) => boolean,
  timeoutMs = 15_000,
): Promise<Picture> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await shot(page, name);
    if (check(p) || Date.now() > deadline) return p;
    await page.waitForTimeout(300);
  }
}
