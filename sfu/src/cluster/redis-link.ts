// The node's connections to Redis: one for commands, one for the bus subscription (a subscribed connection
// can do nothing else). Both reconnect by themselves, forever, at most a second apart; the node says once
// when Redis goes away and once when it is back, and commands fail at once while it is away (no queue that
// would replay stale heartbeats later). Media never passes through Redis: an outage only stops the cluster
// learning new things.
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

export class RedisLink {
  readonly commands: Redis;
  readonly subscriber: Redis;
  private up = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    url: string,
    private readonly log: FastifyBaseLogger,
  ) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    };
    this.commands = new Redis(url, { ...options, connectionName: 'inclubit-commands' });
    // The subscriber queues its SUBSCRIBE until connected, and re-subscribes after every reconnect.
    this.subscriber = new Redis(url, {
      ...options,
      enableOfflineQueue: true,
      connectionName: 'inclubit-bus',
    });
    const where = redactedUrl(url);
    this.commands.on('ready', () => {
      if (!this.up) log.info({ redis: where }, 'Redis connected');
      this.up = true;
      for (const l of this.listeners) l();
    });
    this.commands.on('error', (error: Error) => {
      if (this.up) log.warn({ redis: where, err: error.message }, 'Redis unreachable; retrying');
      this.up = false;
    });
    this.commands.on('end', () => (this.up = false));
    // The subscriber's own errors are the same outage, said once above.
    this.subscriber.on('error', () => {});
  }

  /** Connects both; resolves when the command connection is up, or at once if it is not (retries go on). */
  async start(): Promise<void> {
    const first = await Promise.allSettled([this.commands.connect(), this.subscriber.connect()]);
    const failed = first.find((r) => r.status === 'rejected');
    if (failed?.status === 'rejected')
      this.log.warn(
        { err: (failed.reason as Error).message },
        'Redis unreachable at start; the node runs on its own and keeps retrying',
      );
  }

  get connected(): boolean {
    return this.up;
  }

  /** Called at every (re)connection: what Redis lost in a restart is written again. */
  onReady(listener: () => void): void {
    this.listeners.add(listener);
  }

  close(): void {
    this.listeners.clear();
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}

/** The Redis URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable URL)';
  }
}
