// What a presence overlay (camera page, dashboard) shows, read from the page's own state: the dots it draws.
import type { Locator } from 'playwright-core';

export interface Dot {
  peerId: string;
  name: string;
  yaw: number;
  pitch: number;
}

type PresenceCanvas = HTMLCanvasElement & { presence?: { dots: () => Dot[] } };

export const overlayDots = (overlay: Locator): Promise<Dot[]> =>
  overlay.evaluate((el) => (el as PresenceCanvas).presence?.dots() ?? []);
