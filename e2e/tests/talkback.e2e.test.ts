// Talkback with real browsers: two named viewers, a camera page that hears them. The camera's received audio
// is read from its own WebRTC statistics; the time from a viewer pressing Talk to its voice showing a level at
// the camera page is printed.
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startCamera } from '../support/camera.js';
import { stagePerTest } from '../support/stage.js';
import { audioLevel as voiceLevel, audioStreamsFlowing } from '../support/webrtc.js';
import { openViewer } from '../support/viewer.js';
import { writeVoiceWav } from '../support/voice.js';

const stage = stagePerTest();

/**
 * Milliseconds from the viewer's Talk press (the page's own `inclubit:talk-pressed` mark) until the camera
 * page's WebRTC stats show the voice above level 0.01; then the camera page's meter for `name` shows it too.
 */
async function heardAfter(viewer: Page, camera: Page, name: string): Promise<number> {
  const pressedAt = await viewer.evaluate(() => {
    const marks = performance.getEntriesByName('inclubit:talk-pressed');
    return performance.timeOrigin + marks[marks.length - 1]!.startTime;
  });
  await expect.poll(() => voiceLevel(camera), { timeout: 10_000, interval: 20 }).toBeGreaterThan(0.01);
  const heard = Math.round(Date.now() - pressedAt);
  await expect
    .poll(async () => Number(await listed(camera, name).getAttribute('data-level')), { timeout: 5000 })
    .toBeGreaterThan(0.01);
  return heard;
}

async function namedViewer(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await openViewer(browser, url, { width: 480, height: 270 });
  await page.getByTestId('display-name').fill(name);
  await page.getByTestId('display-name').press('Enter');
  return page;
}

const listed = (camera: Page, name: string) => camera.locator(`.audience li[data-name="${name}"]`);

describe('talkback', () => {
  it('a viewer talks, the camera hears it (and only it), mutes it, and turns talkback off', async () => {
    // Every microphone in this browser speaks (the camera uses its built-in test tone instead).
    const voice = `--use-file-for-fake-audio-capture=${await writeVoiceWav()}`;
    const { service, browser } = await stage({}, { args: [voice] });
    const camera = await startCamera(browser, `${service.url}/camera/talk`);
    await camera.getByTestId('talkback-mode').selectOption('open');
    const a = await namedViewer(browser, `${service.url}/watch/talk`, 'Ada');
    const b = await namedViewer(browser, `${service.url}/watch/talk`, 'Bo');
    await listed(camera, 'Ada').waitFor();
    await listed(camera, 'Bo').waitFor();
    await a.locator('[data-testid="talk"][data-mode="open"]').waitFor();

    // Ada talks: her voice reaches the camera page, with a level on her meter; Bo stays silent.
    await a.getByTestId('talk').click();
    const firstTime = await heardAfter(a, camera, 'Ada');
    await listed(camera, 'Ada').and(camera.locator('[data-talkback="live"]')).waitFor();
    expect(await audioStreamsFlowing(camera)).toBe(1);
    expect(await listed(camera, 'Bo').getAttribute('data-talkback')).toBe('none');
    expect(Number(await listed(camera, 'Bo').getAttribute('data-level'))).toBe(0);

    // Bo hears the camera only; when the room lets viewers hear each other, Ada too; then not again.
    expect(await audioStreamsFlowing(b)).toBe(1);
    await camera.getByTestId('talkback-hear').check();
    await expect.poll(() => audioStreamsFlowing(b), { timeout: 10_000 }).toBe(2);
    await camera.getByTestId('talkback-hear').uncheck();
    await expect.poll(() => audioStreamsFlowing(b), { timeout: 10_000 }).toBe(1);

    // The camera mutes Ada: her page says so, nothing of her reaches the camera any more.
    await listed(camera, 'Ada').getByRole('button', { name: 'Mute' }).click();
    await a.getByTestId('talk-notice').filter({ hasText: 'muted' }).waitFor();
    expect(await a.getByTestId('talk').getAttribute('data-on')).toBe('false');
    await listed(camera, 'Ada').and(camera.locator('[data-talkback="muted"]')).waitFor();
    await expect.poll(() => audioStreamsFlowing(camera), { timeout: 5000 }).toBe(0);

    // She unmutes again (the microphone and its transport are already open): the figure a pupil feels.
    await expect.poll(() => voiceLevel(camera)).toBeLessThan(0.01);
    await a.getByTestId('talk').click();
    const again = await heardAfter(a, camera, 'Ada');
    console.log(
      `[talkback] Talk pressed → level at the camera page: ${firstTime} ms the first time (microphone ` +
        `opened, transport made), ${again} ms when unmuting again`,
    );

    // Push-to-talk: heard while the button is held, muted on release.
    await camera.getByTestId('talkback-mode').selectOption('push-to-talk');
    const talk = a.locator('[data-testid="talk"][data-mode="push-to-talk"]');
    await talk.waitFor();
    await talk.click(); // a click is a press and a release: muted again
    await listed(camera, 'Ada').and(camera.locator('[data-talkback="muted"]')).waitFor();
    await talk.hover();
    await a.mouse.down();
    await listed(camera, 'Ada').and(camera.locator('[data-talkback="live"]')).waitFor();
    expect(await audioStreamsFlowing(camera)).toBe(1);
    await a.mouse.up();
    await listed(camera, 'Ada').and(camera.locator('[data-talkback="muted"]')).waitFor();

    // Talkback off: Ada's Talk is refused by the server, and she is told why.
    await camera.getByTestId('talkback-mode').selectOption('off');
    await a.locator('[data-testid="talk"][data-mode="off"]').waitFor();
    await a.getByTestId('talk').click();
    await a.getByTestId('talk-notice').filter({ hasText: 'turned talkback off' }).waitFor();
    expect(await a.getByTestId('talk').getAttribute('data-on')).toBe('false');
    expect(await audioStreamsFlowing(camera)).toBe(0);
  });
});
