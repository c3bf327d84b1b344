// A real coturn (Debian's turnserver) for tests, on loopback, with the repository's own configuration files.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
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
        // Printed once its relay threads are up; then ready when its UDP listener answers STUN.
        if (line.includes('Total General servers')) {
          clearTimeout(timer);
          stunAnswers(opts.port).then(resolve, reject);
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

/** Resolves once a STUN Binding request to 127.0.0.1:port is answered (tried every 100 ms for 10 s). */
function stunAnswers(port: number): Promise<void> {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const started = Date.now();
    const send = () => {
      if (Date.now() - started > 10_000) {
        clearInterval(timer);
        socket.close();
        return reject(new Error(`coturn does not answer STUN on ${port}`));
      }
      randomBytes(12).copy(request, 8);
      socket.send(request, port, '127.0.0.1');
    };
    const timer = setInterval(send, 100);
    socket.on('error', () => undefined); // ICMP unreachable before it listens: try again
    socket.once('message', () => {
      clearInterval(timer);
      socket.close();
      resolve();
    });
    send();
  });
}
