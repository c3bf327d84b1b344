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
  installRuntime(options?: { forceInstall: boolean; polyfillLayers?: boolean }): void;
  activeSession?: { end(): Promise<void> };
  quaternion: { set(x: number, y: number, z: number, w: number): void };
  controllers: Record<
    'left' | 'right',
    { updateButtonValue(id: string, value: number): void; updateAxes(id: string, x: number, y: number): void }
  >;
}

export async function installHeadset(context: BrowserContext, { layers = false } = {}): Promise<void> {
  await context.addInitScript({ path: iwerBundle });
  await context.addInitScript((withLayers) => {
    const w = window as unknown as IwerWindow;
    const quest3 = w.IWER.metaQuest3 as { supportedFeatures: string[] };
    // No visibility mask: the whole of each eye's viewport is picture, for pixel checks.
    w.__xrDevice = new w.IWER.XRDevice(
      withLayers ? { ...quest3, supportedFeatures: [...quest3.supportedFeatures, 'layers'] } : quest3,
      { stereoEnabled: true, visibilityMaskEnabled: false },
    );
    // Chromium exposes navigator.xr even with no headset (isSessionSupported answers false): replace it.
    w.__xrDevice.installRuntime({ forceInstall: true, polyfillLayers: withLayers });
    if (withLayers) {
      // IWER installs the layers polyfill, then puts its own XRWebGLBinding (no projection layers) back
      // over the polyfill's; it keeps the one it replaced: take that, so the app's scene is a projection
      // layer composited over the media layer, as on a headset.
      const state = Object.getOwnPropertySymbols(w.__xrDevice)
        .map((s) => (w.__xrDevice as unknown as Record<symbol, unknown>)[s])
        .find((v): v is { previousGlobals: Map<string, { value: unknown }> } =>
          Boolean(v && typeof v === 'object' && 'previousGlobals' in v),
        );
      const binding = state?.previousGlobals.get('XRWebGLBinding')?.value;
      if (!binding) throw new Error('no layers polyfill binding to restore');
      (window as unknown as { XRWebGLBinding: unknown }).XRWebGLBinding = binding;
      // The polyfill sizes a media layer's texture once, at the video's size then, and updates it in place;
      // a live video changes size as it switches simulcast layers: reallocate on a video upload instead.
      const proto = WebGL2RenderingContext.prototype;
      type Upload = (this: WebGL2RenderingContext, ...args: unknown[]) => void;
      const texSubImage2D = Object.getOwnPropertyDescriptor(proto, 'texSubImage2D')!.value as Upload;
      const upload: Upload = function (...args) {
        const source = args[8];
        if (args.length === 9 && source instanceof HTMLVideoElement) {
          const [target, level, , , width, height, format, type] = args as number[];
          return this.texImage2D(target!, level!, format!, width!, height!, 0, format!, type!, source);
        }
        return texSubImage2D.apply(this, args);
      };
      Object.defineProperty(proto, 'texSubImage2D', { value: upload, configurable: true, writable: true });
    }
  }, layers);
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
