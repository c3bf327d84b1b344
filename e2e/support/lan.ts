// Separate "hosts" on one network, for multi-node tests: each host a network namespace with its own address
// on 10.<subnet>.0.0/24, all plugged into a bridge that lives in a namespace of its own (a switch), so packets
// between hosts cross real veth links and this machine's own firewall never sees them. This machine is
// plugged in too, at 10.<subnet>.0.1 (browsers run here). Loss between two hosts is an iptables `statistic`
// rule on each one's input (this kernel has no netem). `remove` takes everything away, as does the next
// run's create.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

export interface LanHost {
  name: string;
  ip: string;
}

export interface Lan {
  /** This machine's address on the LAN. */
  hostIp: string;
  /** Adds host `name` at 10.<subnet>.0.<n>. */
  addHost(name: string, n: number): Promise<LanHost>;
  /** Drops `probability` of the packets between `a` and `b`, both ways; 0 lifts it. */
  loss(a: LanHost, b: LanHost, probability: number): Promise<void>;
  /** Packets the loss rule has dropped on their way into `to` (since it was set). */
  dropped(to: LanHost): Promise<number>;
  remove(): Promise<void>;
}

export async function createLan(prefix: string, subnet: number): Promise<Lan> {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root (CI runs as root)');
  const sw = `${prefix}-sw`;
  const hostIf = `${prefix}-h`;
  const hosts: LanHost[] = [];
  const remove = async () => {
    await ip('link', 'del', hostIf).catch(() => undefined);
    for (const h of hosts.splice(0)) await ip('netns', 'del', h.name).catch(() => undefined);
    await ip('netns', 'del', sw).catch(() => undefined);
  };
  await removeLeftovers(prefix);
  await ip('netns', 'add', sw);
  await ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge');
  await ip('-n', sw, 'link', 'set', 'br0', 'up');
  /** A veth pair: one end on the switch, the other named `end` left in this namespace. */
  const plug = async (end: string) => {
    const swEnd = `${end}s`;
    await ip('link', 'add', swEnd, 'type', 'veth', 'peer', 'name', end);
    await ip('link', 'set', swEnd, 'netns', sw);
    await ip('-n', sw, 'link', 'set', swEnd, 'master', 'br0');
    await ip('-n', sw, 'link', 'set', swEnd, 'up');
  };
  await plug(hostIf);
  const hostIp = `10.${subnet}.0.1`;
  await ip('addr', 'add', `${hostIp}/24`, 'dev', hostIf);
  await ip('link', 'set', hostIf, 'up');
  return {
    hostIp,
    async addHost(name, n) {
      const host = { name: `${prefix}-${name}`, ip: `10.${subnet}.0.${n}` };
      const end = `${prefix}${name}`.slice(0, 13);
      await ip('netns', 'add', host.name);
      hosts.push(host);
      await plug(end);
      await ip('link', 'set', end, 'netns', host.name);
      await ip('-n', host.name, 'addr', 'add', `${host.ip}/24`, 'dev', end);
      await ip('-n', host.name, 'link', 'set', end, 'up');
      await ip('-n', host.name, 'link', 'set', 'lo', 'up');
      return host;
    },
    async loss(a, b, probability) {
      // Dropped where they arrive (INPUT), not where they leave: a sender whose packet OUTPUT drops gets an
      // error back, and mediasoup (libuv) sends it again at once — no loss would be seen.
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        const rule = ['INPUT', '-s', from.ip, '-m', 'statistic', '--mode', 'random'];
        // Lift any rule first, so setting twice never stacks two.
        await run('ip', ['netns', 'exec', to.name, 'iptables', '-F', 'INPUT']);
        if (probability > 0)
          await run('ip', [
            ...['netns', 'exec', to.name, 'iptables', '-A', ...rule],
            ...['--probability', String(probability), '-j', 'DROP'],
          ]);
      }
    },
    async dropped(to) {
      const { stdout } = await run('ip', [
        'netns',
        'exec',
        to.name,
        'iptables',
        '-L',
        'INPUT',
        '-v',
        '-n',
        '-x',
      ]);
      const rule = stdout.split('\n').find((l) => l.includes('DROP') && l.includes('statistic'));
      return Number(rule?.trim().split(/\s+/)[0] ?? 0);
    },
    remove,
  };
}

/** Namespaces and links an interrupted run of this prefix left behind. */
async function removeLeftovers(prefix: string): Promise<void> {
  await ip('link', 'del', `${prefix}-h`).catch(() => undefined);
  const { stdout } = await ip('netns', 'list');
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0];
    if (name?.startsWith(`${prefix}-`)) await ip('netns', 'del', name).catch(() => undefined);
  }
}
