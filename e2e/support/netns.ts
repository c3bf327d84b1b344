// A test host of our own: a network namespace joined to this machine by a veth pair. Traffic stays between
// the two ends this module creates. Chromium can run inside it (chromiumIn), so its packets really cross a
// link that a test can cut, and reach the server at an address that is not loopback.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

export interface Netns {
  name: string;
  /** This machine's end of the link (what the namespace reaches the server at). */
  hostIp: string;
  /** The namespace's own address (changes with moveTo). */
  nsIp: string;
  /** Link up or down, from the host side (a Wi-Fi drop, as the namespace sees it). */
  setLink(up: boolean): Promise<void>;
  /** Gives the namespace the address 10.<subnet>.0.<host> instead of its own: a move to another network. */
  moveTo(host: number): Promise<void>;
  /**
   * Limits what this machine sends into the namespace (the namespace's downlink) to `kbit` per second with
   * a token bucket (tc tbf; this kernel has no netem); undefined lifts the limit.
   */
  shape(kbit: number | undefined): Promise<void>;
  /** Routes everything the namespace sends through this machine (to reach a server on another link). */
  routeAll(): Promise<void>;
  remove(): Promise<void>;
}

/** Creates namespace `name` with 10.<subnet>.0.2/24, linked to this machine's 10.<subnet>.0.1/24. */
export async function createNetns(name: string, subnet: number): Promise<Netns> {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root (CI runs as root)');
  const hostIp = `10.${subnet}.0.1`;
  const nsIp = `10.${subnet}.0.2`;
  const hostIf = `${name.slice(0, 11)}-h`;
  const nsIf = `${name.slice(0, 11)}-n`;
  await removeNetns(name, hostIf); // leftovers of an interrupted run
  await ip('netns', 'add', name);
  await ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
  await ip('link', 'set', nsIf, 'netns', name);
  await ip('addr', 'add', `${hostIp}/24`, 'dev', hostIf);
  await ip('link', 'set', hostIf, 'up');
  await ip('-n', name, 'addr', 'add', `${nsIp}/24`, 'dev', nsIf);
  await ip('-n', name, 'link', 'set', nsIf, 'up');
  await ip('-n', name, 'link', 'set', 'lo', 'up');
  const netns: Netns = {
    name,
    hostIp,
    nsIp,
    setLink: async (up) => void (await ip('link', 'set', hostIf, up ? 'up' : 'down')),
    moveTo: async (host) => {
      const next = `10.${subnet}.0.${host}`;
      // Old one first: deleting a primary address would take a secondary in its subnet with it.
      await ip('-n', name, 'addr', 'del', `${netns.nsIp}/24`, 'dev', nsIf);
      await ip('-n', name, 'addr', 'add', `${next}/24`, 'dev', nsIf);
      netns.nsIp = next;
    },
    shape: async (kbit) => {
      if (kbit === undefined) {
        await run('tc', ['qdisc', 'del', 'dev', hostIf, 'root']).catch(() => undefined);
        return;
      }
      // A line that serialises every packet at its rate, with 500 ms of queue: htb with a bucket of a few
      // bytes (a packet waits until the line has sent the one before). Not tbf, whose bucket must hold a
      // whole packet, nor htb's default bucket (1.6 kB, what `burst 0` gives): a bandwidth probe is a
      // handful of small packets, a bucket that size lets it through at once, and the probe reads the line
      // at twice what it carries.
      await run('tc', ['qdisc', 'del', 'dev', hostIf, 'root']).catch(() => undefined);
      await run('tc', ['qdisc', 'add', 'dev', hostIf, 'root', 'handle', '1:', 'htb', 'default', '1']);
      await run('tc', [
        ...['class', 'add', 'dev', hostIf, 'parent', '1:', 'classid', '1:1', 'htb'],
        ...['rate', `${kbit}kbit`, 'ceil', `${kbit}kbit`, 'burst', '10', 'cburst', '10'],
      ]);
      const queueBytes = Math.max(3000, Math.round((kbit * 1000) / 8 / 2));
      await run('tc', ['qdisc', 'add', 'dev', hostIf, 'parent', '1:1', 'bfifo', 'limit', String(queueBytes)]);
    },
    routeAll: async () => void (await ip('-n', name, 'route', 'add', 'default', 'via', hostIp)),
    remove: () => removeNetns(name, hostIf),
  };
  return netns;
}

async function removeNetns(name: string, hostIf: string) {
  await ip('link', 'del', hostIf).catch(() => undefined);
  await ip('netns', 'del', name).catch(() => undefined);
}

/** An executable that starts Debian's Chromium inside the namespace (for launchBrowser's CHROMIUM_PATH). */
export async function chromiumIn(ns: Netns): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'inclubit-chromium-'));
  const file = path.join(dir, 'chromium');
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  await fs.writeFile(file, `#!/bin/sh\nexec ip netns exec ${ns.name} ${chromium} "$@"\n`, { mode: 0o755 });
  return file;
}
