// The mediasoup workers (one process each, one per core by default) and their WebRtcServers.
// Every WebRTC transport of a worker shares its WebRtcServer's single UDP+TCP port, so a deployment opens
// one port per worker instead of a range.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';

export interface MediaWorker {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
}

export interface WorkerPoolOptions {
  count: number;
  logLevel: types.WorkerLogLevel;
  /** Worker i listens on rtcPort + i; 0 lets the OS pick (tests). */
  rtcPort: number;
  /** One UDP and one TCP socket per entry, all on the worker's port; announcedIp is what browsers are told. */
  listen: { ip: string; announcedIp?: string | undefined }[];
  log: FastifyBaseLogger;
  /** Ports for transports that are not on the WebRtcServer (pipes between nodes, local bridges). */
  portRange?: { min: number; max: number } | undefined;
}

/** How long to wait before spawning a replacement again when spawning one failed. */
const respawnBackoffMs = (attempt: number) => Math.min(10_000, 200 * 2 ** attempt);

export class WorkerPool extends EventEmitter<{ died: [MediaWorker, Error]; respawned: [MediaWorker] }> {
  private readonly routers = new Map<MediaWorker, number>();
  private closed = false;

  private constructor(
    private readonly workers: MediaWorker[],
    private readonly opts: WorkerPoolOptions,
  ) {
    super();
    for (const w of workers) this.watch(w);
  }

  static async create(opts: WorkerPoolOptions): Promise<WorkerPool> {
    const workers: MediaWorker[] = [];
    try {
      for (let index = 0; index < opts.count; index++) workers.push(await spawn(index, opts));
    } catch (error) {
      for (const w of workers) w.worker.close();
      throw error;
    }
    opts.log.info(
      { workers: workers.length, pids: workers.map((w) => w.worker.pid) },
      'mediasoup workers ready',
    );
    return new WorkerPool(workers, opts);
  }

  /** True while every worker is running: what /healthz reports. */
  get healthy(): boolean {
    return !this.closed && this.workers.every((w) => !w.worker.died && !w.worker.closed);
  }

  all(): readonly MediaWorker[] {
    return this.workers;
  }

  /** Every worker answers a request within `timeoutMs`: alive and accepting work. */
  async ready(timeoutMs = 2000): Promise<boolean> {
    if (!this.healthy) return false;
    const answered = Promise.all(this.workers.map((w) => w.worker.getResourceUsage())).then(() => true);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([answered.catch(() => false), timeout]);
  }

  get size(): number {
    return this.workers.length;
  }

  /** The live worker with the fewest routers (rooms). */
  pick(): MediaWorker {
    let best: MediaWorker | undefined;
    for (const w of this.workers) {
      if (w.worker.died || w.worker.closed) continue;
      if (!best || (this.routers.get(w) ?? 0) < (this.routers.get(best) ?? 0)) best = w;
    }
    if (!best) throw new Error('no live mediasoup worker');
    return best;
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) w.worker.close();
  }

  private watch(w: MediaWorker): void {
    this.routers.set(w, 0);
    w.worker.observer.on('newrouter', (router) => {
      this.routers.set(w, (this.routers.get(w) ?? 0) + 1);
      router.observer.once('close', () => this.routers.set(w, (this.routers.get(w) ?? 1) - 1));
    });
    w.worker.on('died', (error) => {
      this.opts.log.error({ worker: w.index, pid: w.worker.pid, err: error }, 'mediasoup worker died');
      this.routers.delete(w);
      // Its rooms close themselves (their routers are gone) and tell their peers to rejoin; the rejoins
      // land on the other workers, or on the replacement once it is up.
      this.emit('died', w, error);
      void this.respawn(w.index);
    });
  }

  /** A new worker in the dead one's place (same index, same RTC port), retried until it works. */
  private async respawn(index: number, attempt = 0): Promise<void> {
    if (this.closed) return;
    const started = Date.now();
    try {
      const w = await spawn(index, this.opts);
      if (this.closed) return w.worker.close();
      this.workers[index] = w;
      this.watch(w);
      this.opts.log.warn(
        { worker: index, pid: w.worker.pid, ms: Date.now() - started },
        'mediasoup worker replaced',
      );
      this.emit('respawned', w);
    } catch (error) {
      this.opts.log.error({ worker: index, err: error, attempt }, 'replacing a mediasoup worker failed');
      setTimeout(() => void this.respawn(index, attempt + 1), respawnBackoffMs(attempt)).unref();
    }
  }
}

async function spawn(index: number, opts: WorkerPoolOptions): Promise<MediaWorker> {
  const worker = await mediasoup.createWorker({
    logLevel: opts.logLevel,
    ...(opts.portRange && { rtcMinPort: opts.portRange.min, rtcMaxPort: opts.portRange.max }),
  });
  try {
    return { index, worker, webRtcServer: await createWebRtcServer(worker, index, opts) };
  } catch (error) {
    worker.close();
    throw error;
  }
}

async function createWebRtcServer(
  worker: types.Worker,
  index: number,
  opts: WorkerPoolOptions,
): Promise<types.WebRtcServer> {
  const port = opts.rtcPort === 0 ? undefined : opts.rtcPort + index;
  return worker.createWebRtcServer({
    listenInfos: opts.listen.flatMap(({ ip, announcedIp }) =>
      (['udp', 'tcp'] as const).map((protocol) => ({ protocol, ip, announcedIp, port })),
    ),
  });
}
