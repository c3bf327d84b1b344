// The usual stage of a browser test: the service and one Chromium, started by the test and both stopped
// after it, whatever happened.
import { afterEach } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startService, type RunningService } from './service.js';

/** Call at the top of a test file; each test then calls the returned function to set its stage. */
export function stagePerTest(): (
  env?: Record<string, string>,
  browserOptions?: Parameters<typeof launchBrowser>[0],
) => Promise<{ service: RunningService; browser: Browser }> {
  let stage: { service?: RunningService; browser?: Browser } = {};
  afterEach(async () => {
    await stage.browser?.close();
    await stage.service?.stop();
    stage = {};
  });
  return async (env = {}, browserOptions = {}) => {
    const service = (stage.service = await startService(env));
    const browser = (stage.browser = await launchBrowser(browserOptions));
    return { service, browser };
  };
}
