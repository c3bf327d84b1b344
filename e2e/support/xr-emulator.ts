// A WebXR headset for tests: IWER (the Immersive Web Emulation Runtime that @react-three/xr uses), installed
// into the page before the app loads. Both eyes are drawn side by side on the page: left eye on the left.
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

const iwerBundle = createRequire(import.meta.url).resolve('iwer/build/iwer.min.js');

interface IwerWindow {
  IWER: {
    XRDevice: new (config: unknown, options: Record<string, unknown>) => IwerDevice;
    metaQuest3: unknown;
  };
  __xrDevice: IwerDevice;
}
interface IwerDevice {
  installRuntime(options?: { forceInstall: boolean }): void;
  activeSession?: { end(): Promise<void> };
  quaternion: { set(x: number, y: number, z: number, w: number): void };
  controllers: Record<
    'left' | 'right',
    { updateButtonValue(id: string, value: number): void; updateAxes(id: string, x: number, y: number): void }
  >;
}

export async function installHeadset(context: BrowserContext): Promise<void> {
  await context.addInitScript({ path: iwerBundle });
  await context.addInitScript(() => {
    const w = window as unknown as IwerWindow;
    // No visibility mask: the whole of each eye's viewport is picture, for pixel checks.
    w.__xrDevice = new w.IWER.XRDevice(w.IWER.metaQuest3, {
      stereoEnabled: true,
      visibilityMaskEnabled: false,
    });
    // Chromium exposes navigator.xr even with no headset (isSessionSupported answers false): replace it.
    w.__xrDevice.installRuntime({ forceInstall: true });
  });
}

export const inSession = (page: Page) =>
  page.evaluate(() => (window as unknown as IwerWindow).__xrDevice.activeSession != null);

/** Turns the emulated head about the vertical axis (degrees, positive = to the left). */
export function turnHead(page: Page, yawDeg: number): Promise<void> {
  return page.evaluate((deg) => {
    const half = (deg * Math.PI) / 360;
    (window as unknown as IwerWindow).__xrDevice.quaternion.set(0, Math.sin(half), 0, Math.cos(half));
  }, yawDeg);
}

/**
 * Points the emulated head: `yawDeg` to the right of straight ahead, `pitchDeg` up (presence's directions;
 * turnHead's yaw is the other way round).
 */
export function lookHead(page: Page, yawDeg: number, pitchDeg: number): Promise<void> {
  return page.evaluate(
    ({ yaw, pitch }) => {
      // q = yaw about +y (a turn to the right is negative), then pitch about +x ('YXZ').
      const [hy, hp] = [(-yaw * Math.PI) / 360, (pitch * Math.PI) / 360];
      const [sy, cy, sp, cp] = [Math.sin(hy), Math.cos(hy), Math.sin(hp), Math.cos(hp)];
      (window as unknown as IwerWindow).__xrDevice.quaternion.set(cy * sp, sy * cp, -sy * sp, cy * cp);
    },
    { yaw: yawDeg, pitch: pitchDeg },
  );
}

/** Holds (1) or releases (0) a controller button. */
export const setButton = (page: Page, hand: 'left' | 'right', id: string, value: number) =>
  page.evaluate(
    ({ h, b, v }) => (window as unknown as IwerWindow).__xrDevice.controllers[h].updateButtonValue(b, v),
    { h: hand, b: id, v: value },
  );

/** Presses and releases a controller button, one frame apart at least. */
export async function pressButton(page: Page, hand: 'left' | 'right', id: string): Promise<void> {
  await setButton(page, hand, id, 1);
  await page.waitForTimeout(200);
  await setButton(page, hand, id, 0);
}

export const endSession = (page: Page) =>
  page.evaluate(() => (window as unknown as IwerWindow).__xrDevice.activeSession?.end());

/** Holds a controller's stick (or touchpad) at x, y (each -1…1). */
export const setAxes = (page: Page, hand: 'left' | 'right', id: string, x: number, y: number) =>
  page.evaluate(
    ({ h, a, ax, ay }) => (window as unknown as IwerWindow).__xrDevice.controllers[h].updateAxes(a, ax, ay),
    { h: hand, a: id, ax: x, ay: y },
  );
