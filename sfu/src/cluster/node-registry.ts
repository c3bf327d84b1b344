// The cluster's shared state in Redis, all of it leased: a node's record and its claims on rooms (this node
// has the room's camera: it is the room's origin) are written with a time to live and rewritten at every
// heartbeat. A node that dies stops rewriting them and they expire; a Redis that restarts empty is filled
// again at the next heartbeat. No consensus of our own: Redis's single-key atomicity (SET NX, scripts) is it.
import type { FastifyBaseLogger } from 'fastify';
import type { RoomId } from '../protocol/index.js';
import { NodeRecord, type NodeId } from './messages.js';
import type { RedisLink } from './redis-link.js';

const nodeKey = (id: string) => `inclubit:node:${id}`;
const originKey = (room: RoomId) => `inclubit:room:${room}:origin`;
const nodePrefix = 'inclubit:node:';

// Takes the room for ARGV[1] if nobody holds it, we hold it, or its holder's node record has expired.
const claimScript = `
local holder = redis.call('GET', KEYS[1])
if (not holder) or holder == ARGV[1] or redis.call('EXISTS', ARGV[3] .. holder) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
// Deletes the claim only if it is still ours.
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class NodeRegistry {
  constructor(
    private readonly redis: RedisLink,
    readonly self: NodeId,
    /** How long a record or claim lives without being rewritten. */
    readonly leaseMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  async publish(record: NodeRecord): Promise<void> {
    await this.redis.commands.set(nodeKey(this.self), JSON.stringify(record), 'PX', this.leaseMs);
  }

  async withdraw(): Promise<void> {
    await this.redis.commands.del(nodeKey(this.self));
  }

  /** Every live node, this one included; records that do not parse are skipped with a log line. */
  async nodes(): Promise<NodeRecord[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.commands.scan(cursor, 'MATCH', `${nodePrefix}*`, 'COUNT', 100);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    if (!keys.length) return [];
    const values = await this.redis.commands.mget(...keys);
    const records: NodeRecord[] = [];
    values.forEach((value, i) => {
      if (value === null) return; // expired between SCAN and MGET
      let parsed: ReturnType<typeof NodeRecord.safeParse> | undefined;
      try {
        parsed = NodeRecord.safeParse(JSON.parse(value));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) records.push(parsed.data);
      else this.log.warn({ key: keys[i] }, 'ignored a node record that is not ours');
    });
    return records.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The node holding the room's camera, if any. */
  async originOf(room: RoomId): Promise<NodeId | undefined> {
    return ((await this.redis.commands.get(originKey(room))) ?? undefined) as NodeId | undefined;
  }

  /** Makes this node the room's origin; false when another live node holds it. */
  async claimOrigin(room: RoomId): Promise<boolean> {
    const taken = await this.redis.commands.eval(
      claimScript,
      1,
      originKey(room),
      this.self,
      String(this.leaseMs),
      nodePrefix,
    );
    return taken === 1;
  }

  async releaseOrigin(room: RoomId): Promise<void> {
    await this.redis.commands.eval(releaseScript, 1, originKey(room), this.self);
  }
}
