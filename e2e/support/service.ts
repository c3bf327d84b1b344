// Runs the real, built service (node sfu/dist/main.js) as its own process, the way `npm start` does.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningService {
  url: string;
  process: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * `args` are the command line after `npm start --` (e.g. `--lan`); an empty env value unsets a default.
 * `netns`: run inside that network namespace (another host of a multi-host test).
 */
export async function startService(
  env: Record<string, string> = {},
  args: string[] = [],
  { netns }: { netns?: string } = {},
): Promise<RunningService> {
  const command = [process.execPath, path.join(repo, 'sfu/dist/main.js'), ...args];
  // `ip netns exec` execs the command: the child's pid is the service's own, for signals.
  const [file, ...argv] = netns ? ['ip', 'netns', 'exec', netns, ...command] : command;
  const child = spawn(file!, argv, {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-e2e-')),
      RTC_PORT: '0', // any free port, so services of different tests never collide
      RTMP_PORT: '0',
      SRT_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // a service that never said it was ready must not outlive the test
      reject(new Error(`service did not start:\n${logs.join('\n')}`));
    }, 30_000);
    const onLine = (line: string) => {
      logs.push(line);
      const match = /Inclubit 360 is running: (https?:\/\/[^/]+)\//.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    url,
    process: child,
    logs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => {
          console.warn(
            `[service] no exit 8 s after SIGTERM; killing. Last log lines:\n${logs.slice(-15).join('\n')}`,
          );
          child.kill('SIGKILL');
        }, 8000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A TCP port free right now on 127.0.0.1, for a service that must come back on the same port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
