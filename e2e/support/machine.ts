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
