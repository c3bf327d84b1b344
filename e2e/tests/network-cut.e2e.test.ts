// Real network cuts: a browser runs in a network namespace of this test, joined to this machine by a veth
// pair; its link goes down for 10 s, then up. The viewer's own link, then the camera's: video comes back
// by itself, without a reload, and the time from restoring the link to decoded frames is printed.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startCamera } from '../support/camera.js';
import type { Netns } from '../support/netns.js';
import { networkStagePerTest, operatorLinks } from '../support/network-stage.js';
import { freePort } from '../support/service.js';
import { metric } from '../support/metrics.js';
import { audioStreamsFlowing, inboundStreams, progressOver, selectedPairs } from '../support/webrtc.js';
import { writeVoiceWav } from '../support/voice.js';
import { openViewer, sameDocument } from '../support/viewer.js';

const CUT_MS = 10_000;
const PASSWORD = 'network-cut-operator-password';
const stage = networkStagePerTest();

/** The service on the host end of the namespace's link, so both sides of the cut can reach it. */
async function serviceFor(subnet: number) {
  const ns = await stage.network(`ib-cut${subnet}`, subnet);
  const port = await freePort();
  const service = await stage.start({
    PORT: String(port),
    PUBLIC_URL: `http://${ns.hostIp}:${port}`,
    HOST: ns.hostIp,
    RTC_LISTEN_IP: ns.hostIp,
    TOKEN_SECRET: 'network-cut-test-secret-0123456789abcdef',
    OPERATOR_PASSWORD: PASSWORD,
  });
  return operatorLinks(service.url, PASSWORD, 'cut');
}

/** Chromium treats this plain-http origin as secure, as the HTTPS deployment is. */
const browserIn = (where: Netns | undefined, args: string[] = []): Promise<Browser> =>
  stage.browser(where, [`--unsafely-treat-insecure-origin-as-secure=${stage.service.url}`, ...args]);

/** Milliseconds until the viewer decodes again (several frames in a quarter second). */
async function videoBackAfter(viewer: Page, since: number, what: string): Promise<number> {
  for (;;) {
    if ((await progressOver(viewer, 250)).frames >= 2) return Date.now() - since;
    if (Date.now() - since > 20_000) throw new Error(`${what}: no video 20 s after the link came back`);
  }
}

/** Cuts the link for CUT_MS (checking the viewer really stops decoding), restores it, times the recovery. */
async function cutAndRestore(viewer: Page, what: string): Promise<number> {
  await stage.ns.setLink(false);
  await viewer.waitForTimeout(CUT_MS - 2000);
  expect((await progressOver(viewer, 2000)).frames, `${what}: frames while the link is down`).toBe(0);
  await stage.ns.setLink(true);
  const ms = await videoBackAfter(viewer, Date.now(), what);
  console.log(`[network-cut] ${what}: link down ${CUT_MS / 1000} s; video back ${ms} ms after restore`);
  expect(await sameDocument(viewer)).toBe(true);
  return ms;
}

describe('network cuts, without reloading any page', () => {
  it("the viewer's link goes down for 10 s: video is back within 3 s of restore", async () => {
    const links = await serviceFor(79);
    await startCamera(await browserIn(undefined), links.camera);
    const viewer = await openViewer(await browserIn(stage.ns), links.viewer);
    expect(await cutAndRestore(viewer, "viewer's link")).toBeLessThan(3000);
  });

  it("the camera's link goes down for 10 s: viewers resume on their own within 3 s of restore", async () => {
    const links = await serviceFor(80);
    await startCamera(await browserIn(stage.ns), links.camera);
    const viewer = await openViewer(await browserIn(undefined), links.viewer);
    expect(await cutAndRestore(viewer, "camera's link")).toBeLessThan(3000);
  });

  it("the viewer's network changes (a new address, as on another Wi-Fi): ICE restarts on the same transports, its voice comes back", async () => {
    const links = await serviceFor(81);
    const camera = await startCamera(await browserIn(undefined), links.camera);
    await camera.getByTestId('talkback-mode').selectOption('open');
    // The viewer's microphone speaks; it talks before the move and does not press Talk again after it.
    const viewer = await openViewer(
      await browserIn(stage.ns, [`--use-file-for-fake-audio-capture=${await writeVoiceWav()}`]),
      links.viewer,
    );
    await viewer.locator('[data-testid="talk"][data-mode="open"]').waitFor();
    await viewer.getByTestId('talk').click();
    await expect.poll(() => audioStreamsFlowing(camera), { timeout: 10_000 }).toBe(1);
    const count = (name: string, labels?: Record<string, string>) => metric(stage.service.url, name, labels);
    const joins = await count('inclubit_peer_sessions_total', { kind: 'join' });
    const consumers = Object.keys(await inboundStreams(viewer)).sort();

    // Nothing tells either end: the signaling connection is left half-open, the ICE pair points nowhere.
    await stage.ns.setLink(false);
    await stage.ns.moveTo(3);
    await viewer.waitForTimeout(3000);
    await stage.ns.setLink(true);
    const ms = await videoBackAfter(viewer, Date.now(), 'new address');
    console.log(`[network-cut] new address ${stage.ns.nsIp}: video back ${ms} ms after the link came up`);

    // Recovered by the ping finding the dead connection, a resume, and an ICE restart: nothing rebuilt.
    expect(await count('inclubit_ice_restarts_total')).toBeGreaterThanOrEqual(1);
    expect(await count('inclubit_peer_sessions_total', { kind: 'resume' })).toBeGreaterThanOrEqual(1);
    expect(await count('inclubit_peer_sessions_total', { kind: 'join' })).toBe(joins);
    expect(Object.keys(await inboundStreams(viewer)).sort()).toEqual(consumers);
    // The voice's own send transport restarted ICE too: the camera hears the viewer again, no Talk pressed.
    await expect.poll(() => audioStreamsFlowing(camera), { timeout: 15_000 }).toBe(1);
    expect(await viewer.getByTestId('talk').getAttribute('data-on')).toBe('true');
    // Both of the viewer's transports (receive, voice) use a pair on the new address.
    await expect
      .poll(async () => (await selectedPairs(viewer)).map((p) => p.localAddress), { timeout: 5000 })
      .toEqual([stage.ns.nsIp, stage.ns.nsIp]);
    expect(await sameDocument(viewer)).toBe(true);
    expect(ms).toBeLessThan(15_000);
  });
});
