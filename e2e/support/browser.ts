// Debian's Chromium driven by playwright-core, with fake camera/microphone and no network chatter.
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

export const chromiumFlags = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Hidden or occluded pages must keep rendering and decoding like a headset in use.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/**
 * `autoplay: false` keeps Chromium's real policy: sound needs a user gesture, as on a headset or phone.
 * `executablePath` runs another Chromium launcher (one inside a network namespace: netns.ts).
 */
export function launchBrowser({
  autoplay = true,
  args = [] as string[],
  executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
} = {}): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [...chromiumFlags, ...(autoplay ? ['--autoplay-policy=no-user-gesture-required'] : []), ...args],
  });
}

/**
 * Keeps the RTCPeerConnections a page creates (the open ones) in `window.__pcs`, so tests read real WebRTC stats
 * without the app carrying test hooks.
 */
const capturePeerConnections = () => {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; RTCPeerConnection: typeof RTCPeerConnection };
  w.__pcs = [];
  const Native = w.RTCPeerConnection;
  w.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      // Closed ones are let go: Chromium refuses new connections while ~500 old ones are still referenced
      // (a 10-minute churn makes 600).
      w.__pcs = w.__pcs.filter((pc) => pc.signalingState !== 'closed');
      w.__pcs.push(this);
    }
  };
};

/** Keeps every Content-Security-Policy violation in `window.__csp` ("directive blocked-uri"). */
const captureCspViolations = () => {
  const w = window as unknown as { __csp: string[] };
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
  );
};

/** What the page's CSP blocked so far (nothing, where the CSP fits the app). */
export const cspViolations = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

export async function newPage(
  browser: Browser,
  viewport = { width: 640, height: 360 },
  /** More of the context: a phone's (`isMobile`, `hasTouch`), say. */
  device: Omit<BrowserContextOptions, 'viewport'> = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...device, viewport });
  // Scripts run by tsx (the benchmark) keep function names through an esbuild helper, `__name`, that
  // the functions handed to page.evaluate then call inside the page.
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  await context.addInitScript(capturePeerConnections);
  await context.addInitScript(captureCspViolations);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[page console] ${m.text()}`);
  });
  return { context, page };
}
