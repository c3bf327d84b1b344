// The stage of a test across a network link: a namespace of this test's own (another device on the
// network), the service, and browsers on either side — all stopped and removed after each test.
import { afterEach } from 'vitest';
import { IssuedToken, JoinLinks, type StreamInfo } from '@inclubit/sfu/protocol';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { chromiumIn, createNetns, type Netns } from './netns.js';
import { startService, type RunningService } from './service.js';

export interface NetworkStage {
  readonly ns: Netns;
  readonly service: RunningService;
  /** The namespace `name` joined to this machine by a veth pair on 10.<subnet>.0.0/24. */
  network(name: string, subnet: number): Promise<Netns>;
  start(env: Record<string, string>, args?: string[]): Promise<RunningService>;
  /** A browser on this machine, or inside `where`. */
  browser(where: Netns | undefined, args?: string[]): Promise<Browser>;
}

export function networkStagePerTest(): NetworkStage {
  let ns: Netns | undefined;
  let service: RunningService | undefined;
  const browsers: Browser[] = [];
  afterEach(async () => {
    await Promise.all(browsers.splice(0).map((b) => b.close()));
    await service?.stop();
    await ns?.remove();
    service = ns = undefined;
  });
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} not set up in this test`);
    return value;
  };
  return {
    get ns() {
      return must(ns, 'network');
    },
    get service() {
      return must(service, 'service');
    },
    async network(name, subnet) {
      ns = await createNetns(name, subnet);
      return ns;
    },
    async start(env, args = []) {
      service = await startService(env, args);
      return service;
    },
    async browser(where, args = []) {
      const browser = await launchBrowser({
        args,
        ...(where && { executablePath: await chromiumIn(where) }),
      });
      browsers.push(browser);
      return browser;
    },
  };
}

/**
 * Logs in as operator and makes the room's links, as the dashboard does: camera and viewer links, the WHIP/WHEP
 * URLs, the RTMP/SRT ones with the room's key. `change` asks for a new key or an encoder layout on the way.
 */
export async function operatorLinks(
  baseUrl: string,
  password: string,
  room: string,
  change: { newKey?: true; encoderStream?: StreamInfo } = {},
): Promise<JoinLinks & { operator: string }> {
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<unknown>);
  const { token } = IssuedToken.parse(await post('/api/login', { password }));
  const links = JoinLinks.parse(await post('/api/links', { room, ...change }, token));
  return { ...links, operator: token };
}
