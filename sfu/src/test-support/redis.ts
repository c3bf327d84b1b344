// A real Redis for tests: Debian's redis-server on a free port, in memory only (no RDB, no AOF), with a
// password when asked. `restart` stops it and starts it again on the same port, empty, as a crashed Redis
// comes back; `stop` kills and reaps it, and it dies with the process that started it. Optionally run inside a
// network namespace (`ip netns exec`).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  readonly pid: number | undefined;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  password?: string;
  /** Listen address (127.0.0.1 by default). */
  bind?: string;
  port?: number;
  /** Network namespace to run in. */
  netns?: string;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startRedis(opts: RedisOptions = {}): Promise<TestRedis> {
  const bind = opts.bind ?? '127.0.0.1';
  const port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const args = [
      ...['--port', String(port), '--bind', bind, '--save', '', '--appendonly', 'no'],
      ...['--protected-mode', 'no', '--loglevel', 'warning'],
      ...(opts.password ? ['--requirepass', opts.password] : []),
    ];
    const server = opts.netns
      ? ['ip', 'netns', 'exec', opts.netns, 'redis-server', ...args]
      : ['redis-server', ...args];
    // Killed with whoever started it, even one killed with -9 that could not stop it (util-linux's setpriv
    // sets the parent-death signal, which survives the exec into ip and redis-server).
    const c = spawn('setpriv', ['--pdeathsig', 'KILL', ...server], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let output = '';
    c.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    c.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    // Ready when it answers a connection.
    const deadline = Date.now() + 5000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`redis-server exited: ${output.trim()}`);
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: bind, port }, () => (s.end(), resolve(true)));
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${bind}:${port}: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    child = undefined;
  };

  await start();
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    url: `redis://${auth}${bind}:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}
