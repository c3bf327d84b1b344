// A real coturn (Debian's turnserver) for tests, on loopback, with the repository's own configuration files.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const coturnConfig = {
  production: path.join(repo, 'infra/coturn/turnserver.conf'),
  test: path.join(repo, 'infra/coturn/turnserver.test.conf'),
};

export interface Coturn {
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts turnserver with `config` as is, plus only what a test run must choose: loopback addresses, ports
 * that do not collide, the shared secret, and no TLS (no certificate here).
 */
export async function startCoturn(
  config: string,
  opts: { port: number; secret: string; relayPorts: [number, number] },
): Promise<Coturn> {
  const child: ChildProcess = spawn(
    process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver',
    [
      '-c',
      config,
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${opts.port}`,
      `--min-port=${opts.relayPorts[0]}`,
      `--max-port=${opts.relayPorts[1]}`,
      `--static-auth-secret=${opts.secret}`,
      '--realm=inclubit.test',
      '--no-tls',
      '--no-dtls',
      '--pidfile=',
      '--log-file=stdout',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${logs.join('\n')}`)), 10_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        logs.push(line);
        // Printed once its listeners and relay threads are up (the per-listener lines need -v).
        if (line.includes('Total General servers')) {
          clearTimeout(timer);
          setTimeout(resolve, 300);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coturn exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  return {
    port: opts.port,
    logs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
