// Node-to-node messages over Redis pub/sub: each node listens on its own channel and on the cluster's.
// Every message is parsed (cluster/messages.ts) before anything acts on it; garbage and foreign messages are
// dropped with a log line, so nothing another publisher writes can crash a node. A request (pipeOpen) is
// answered on the asker's channel with the same `rid`; no answer within the timeout is an error.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { BusMessage, type BusMessageOf, type NodeId } from './messages.js';
import type { RedisLink } from './redis-link.js';

export const channelOf = (node: NodeId) => `inclubit:bus:${node}`;
export const clusterChannel = 'inclubit:bus:*all*';

type Handled = Exclude<BusMessage['type'], 'pipeOpened'>;
/** What a node does with each kind of message; answers (pipeOpened) are the bus's own. */
export type BusHandlers = { [T in Handled]: (message: BusMessageOf<T>) => void | Promise<void> };

/** A message as its sender writes it: the bus adds `from`. Distributes over a union of types. */
export type Outgoing<T extends BusMessage['type']> = T extends BusMessage['type']
  ? Omit<BusMessageOf<T>, 'from'>
  : never;

export class Bus {
  private readonly pending = new Map<
    string,
    { resolve: (m: BusMessageOf<'pipeOpened'>) => void; reject: (e: Error) => void }
  >();
  private handlers: BusHandlers | undefined;

  constructor(
    private readonly redis: RedisLink,
    readonly self: NodeId,
    private readonly log: FastifyBaseLogger,
    private readonly requestTimeoutMs = 3000,
  ) {}

  /** Listens from now on; the subscription is made when Redis is reachable (now or later). */
  start(handlers: BusHandlers): void {
    this.handlers = handlers;
    this.redis.subscriber.on('message', (channel: string, text: string) => this.receive(channel, text));
    this.redis.subscriber
      .subscribe(channelOf(this.self), clusterChannel)
      .catch((error: unknown) =>
        this.log.error({ err: (error as Error).message }, 'bus subscription failed'),
      );
  }

  /** Sends to one node; false when Redis is unreachable (the message is dropped, never queued). */
  async send<T extends BusMessage['type']>(to: NodeId, message: Outgoing<T>): Promise<boolean> {
    return this.publish(channelOf(to), message);
  }

  async broadcast<T extends BusMessage['type']>(message: Outgoing<T>): Promise<boolean> {
    return this.publish(clusterChannel, message);
  }

  /** Sends a pipeOpen and waits for its answer. */
  async request(to: NodeId, message: Omit<Outgoing<'pipeOpen'>, 'rid'>): Promise<BusMessageOf<'pipeOpened'>> {
    const rid = randomUUID();
    const answer = new Promise<BusMessageOf<'pipeOpened'>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new Error(`node ${to} did not answer ${message.type} within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(rid, {
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
    if (!(await this.send(to, { ...message, rid }))) {
      this.pending.get(rid)?.reject(new Error('Redis is unreachable'));
      this.pending.delete(rid);
    }
    return answer;
  }

  close(): void {
    for (const p of this.pending.values()) p.reject(new Error('node shutting down'));
    this.pending.clear();
  }

  private async publish(channel: string, message: object): Promise<boolean> {
    try {
      await this.redis.commands.publish(channel, JSON.stringify({ ...message, from: this.self }));
      return true;
    } catch (error) {
      this.log.debug({ channel, err: (error as Error).message }, 'bus message not sent');
      return false;
    }
  }

  private receive(channel: string, text: string): void {
    let parsed: ReturnType<typeof BusMessage.safeParse>;
    try {
      parsed = BusMessage.safeParse(JSON.parse(text));
    } catch {
      this.log.warn({ channel, bytes: text.length }, 'ignored a bus message that is not JSON');
      return;
    }
    if (!parsed.success) {
      const problem = parsed.error.issues[0];
      this.log.warn(
        { channel, bytes: text.length, problem: problem && `${problem.path.join('.')}: ${problem.message}` },
        'ignored a bus message that is not ours',
      );
      return;
    }
    const message = parsed.data;
    // Our own broadcasts come back to us: nothing to learn from them.
    if (message.from === this.self) return;
    if (message.type === 'pipeOpened') {
      this.pending.get(message.rid)?.resolve(message);
      this.pending.delete(message.rid);
      return;
    }
    const handler = this.handlers?.[message.type] as ((m: BusMessage) => void | Promise<void>) | undefined;
    void Promise.resolve()
      .then(() => handler?.(message))
      .catch((error: unknown) =>
        this.log.warn(
          { type: message.type, from: message.from, err: (error as Error).message },
          'bus message failed',
        ),
      );
  }
}
