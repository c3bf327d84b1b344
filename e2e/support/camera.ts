// The camera page, driven like a teacher would: test pattern, a light resolution, Go live.
import type { Browser, Page } from 'playwright-core';
import { newPage } from './browser.js';

export async function startCamera(
  browser: Browser,
  url: string,
  {
    projection = 'mono-360',
    resolution = 'SD 1280×640',
    fps,
    source = 'pattern',
    maxBitrateMbps,
    codec,
    adaptive = true,
    sound,
    viewport,
  }: {
    projection?: string;
    resolution?: string;
    fps?: 30 | 25 | 24 | 15;
    /** 'pattern-busy' adds grain, so the encoder spends its whole bitrate (network tests). */
    source?: 'pattern' | 'pattern-busy';
    /** The camera's "Max bitrate" setting; the page's default for the resolution when not given. */
    maxBitrateMbps?: number;
    /** The camera's "Codec" setting, e.g. 'video/VP8'; Automatic when not given. */
    codec?: string;
    /** The camera's "Adaptive quality" setting (three layers); off sends one. */
    adaptive?: boolean;
    /** The camera's "Sound source": the test tone or no sound; the page's own choice (the microphone) when not given. */
    sound?: 'tone' | 'none';
    /** The window's size; a large preview to click on (presence), Playwright's default when not given. */
    viewport?: { width: number; height: number };
  } = {},
): Promise<Page> {
  const { page } = await newPage(browser, viewport);
  await page.goto(url);
  await page.getByTestId('video-source').selectOption(source);
  await page.getByTestId('resolution').selectOption({ label: resolution });
  await page.getByTestId('projection').selectOption(projection);
  if (fps) await page.getByTestId('frame-rate').selectOption(String(fps));
  if (maxBitrateMbps) await page.getByTestId('max-bitrate').fill(String(maxBitrateMbps));
  if (codec) await page.getByTestId('codec').selectOption(codec);
  if (!adaptive) await page.getByTestId('adaptive-quality').uncheck();
  if (sound) await page.getByTestId('audio-source').selectOption(sound);
  await page.getByRole('button', { name: 'Go live' }).click();
  try {
    await page.locator('main[data-status="live"]').waitFor({ timeout: 20_000 });
  } catch (error) {
    // Say what the page says, not only that it timed out.
    const shown = await page.locator('main .error').allTextContents();
    throw new Error(`camera did not go live: ${shown.join(' ') || '(no error shown)'}`, { cause: error });
  }
  return page;
}
