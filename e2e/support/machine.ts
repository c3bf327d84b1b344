// How late a bare process on this machine wakes up: a child that sleeps 5 ms at a time and keeps the worst
// lateness. Nothing in it touches the service or the browser, so a stall that a test measures at the same
// moment can be told apart from the machine itself pausing (a loaded two-vCPU VM does: see churn.e2e).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

const probe = `
let worst = 0, last = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - last - 5;
  worst = Math.max(worst, late);
  last = now;
}, 5);
process.stdin.on('data', () => { process.stdout.write(JSON.stringify({ worst: Math.round(worst) }) + '\\n'); process.exit(0); });
process.stdin.on('end', () => process.exit(0));
`;

export interface MachineWatch {
  /**
   * The longest a bare process was woken late (ms) since the watch began, and whether the kernel groups
   * tasks by session for scheduling (infra/scripts/test-host.sh says why that matters here).
   */
  stop(): Promise<{ worst: number; autogroups: 'on' | 'off' | 'absent' }>;
}

function autogroups(): 'on' | 'off' | 'absent' {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '0' ? 'off' : 'on';
  } catch {
    return 'absent';
  }
}

/** Starts the probe; it ends with `stop()`, or by itself when this process (its stdin) goes away. */
export function watchMachine(): MachineWatch {
  const child = spawn(process.execPath, ['-e', probe], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return {
    async stop() {
      const exited = once(child, 'exit');
      child.stdin.end('stop\n');
      await exited;
      return { ...(JSON.parse(out) as { worst: number }), autogroups: autogroups() };
    },
  };
}

/** The aggregate busy and total jiffies of all cores (/proc/stat's first line). */
function cpuJiffies(): { busy: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

/**
 * Waits until the machine's cores, all together, have been less than `busy` busy for `windowMs`: what a test
 * did before (a page closing, a browser tearing down its renderer) is over, and a timing measurement starts
 * from the steady state. Fails after `ms` with how busy the machine stayed. Resolves with the last share.
 */
export async function untilQuiet({ busy = 0.7, windowMs = 500, ms = 15_000 } = {}): Promise<number> {
  const end = Date.now() + ms;
  let share = 1;
  for (;;) {
    const a = cpuJiffies();
    await new Promise((r) => setTimeout(r, windowMs));
    const b = cpuJiffies();
    share = (b.busy - a.busy) / Math.max(1, b.total - a.total);
    if (share < busy) return share;
    if (Date.now() > end)
      throw new Error(
        `the machine stayed ${Math.round(share * 100)} % busy for ${ms} ms (waiting for < ${busy * 100} %)`,
      );
  }
}
