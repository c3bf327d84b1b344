// How busy this node is, measured between two heartbeats: viewers it serves, bytes it sends (viewers and
// pipes to other nodes), and its busiest worker's CPU. What the cluster compares to place viewers.
import type { types } from 'mediasoup';
import type { RoomRegistry } from '../media/room-registry.js';
import type { WorkerPool } from '../media/worker-pool.js';
import type { NodeRecord } from './messages.js';

type Load = NodeRecord['load'];

export class NodeLoad {
  private lastAt = performance.now();
  private readonly cpuMs = new Map<number, number>();
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly rooms: RoomRegistry,
    private readonly maxViewers: number,
    /** Transports that are no peer's (the origin's pipes to edges). */
    private readonly otherTransports: () => types.Transport[],
  ) {}

  viewers(): number {
    return this.rooms.list().reduce((n, r) => n + (r.isClosed ? 0 : r.localViewers), 0);
  }

  async measure(): Promise<Load> {
    const now = performance.now();
    const elapsedMs = Math.max(1, now - this.lastAt);
    this.lastAt = now;
    let cpu = 0;
    for (const w of this.pool.all()) {
      if (w.worker.died || w.worker.closed) continue;
      const u = await w.worker.getResourceUsage().catch(() => undefined);
      if (!u) continue;
      const total = u.ru_utime + u.ru_stime;
      const before = this.cpuMs.get(w.index);
      this.cpuMs.set(w.index, total);
      if (before !== undefined) cpu = Math.max(cpu, (total - before) / elapsedMs);
    }
    const transports = [
      ...this.rooms.list().flatMap((r) => r.peerList().flatMap((p) => p.listTransports())),
      ...this.otherTransports(),
    ];
    let bytes = 0;
    const seen = new Set<string>();
    await Promise.all(
      transports.map(async (t) => {
        if (t.closed) return;
        const stats = (await t.getStats().catch(() => [])) as { bytesSent?: number }[];
        const sent = stats[0]?.bytesSent ?? 0;
        seen.add(t.id);
        const before = this.sent.get(t.id);
        this.sent.set(t.id, sent);
        if (before !== undefined && sent >= before) bytes += sent - before;
      }),
    );
    for (const id of this.sent.keys()) if (!seen.has(id)) this.sent.delete(id);
    return {
      viewers: this.viewers(),
      maxViewers: this.maxViewers,
      egressBps: Math.round((bytes * 1000) / elapsedMs),
      cpu: Math.round(cpu * 1000) / 1000,
    };
  }
}
