// One watcher of every room for every operator dashboard. Each tick (while anyone watches) it computes every
// open room's summary once — getStats on each transport and producer — and pushes to each subscriber the
// rooms whose summary changed since that subscriber's last push, and the rooms that closed. Ten open
// dashboards cost what one does.
import type { FastifyBaseLogger } from 'fastify';
import type { RoomId, RoomSummary } from '../protocol/index.js';
import type { RoomRegistry } from '../media/room-registry.js';
import { summarizeRoom } from './room-summary.js';

export interface RoomsChange {
  rooms: RoomSummary[];
  removed: RoomId[];
}

interface Subscriber {
  push: (change: RoomsChange) => void;
  /** What this subscriber last got of each room (its summary, serialised). */
  sent: Map<RoomId, string>;
}

export interface RoomWatcherOptions {
  rooms: RoomRegistry;
  log: FastifyBaseLogger;
  /** How often dashboards get their changes. */
  intervalMs: number;
}

export class RoomWatcher {
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;
  /** The summaries being computed now: a subscriber arriving meanwhile shares them. */
  private computing: Promise<RoomSummary[]> | undefined;
  private latest: { at: number; summaries: RoomSummary[] } | undefined;

  constructor(private readonly opts: RoomWatcherOptions) {}

  /** Every room now, then `push` with each change until the returned function is called. */
  async subscribe(push: (change: RoomsChange) => void): Promise<{ rooms: RoomSummary[]; stop: () => void }> {
    // A snapshot younger than a tick is what the other dashboards show now: reuse it.
    const fresh = this.latest && Date.now() - this.latest.at < this.opts.intervalMs;
    const summaries = fresh ? this.latest!.summaries : await this.summaries();
    const subscriber: Subscriber = { push, sent: new Map(summaries.map((s) => [s.room, JSON.stringify(s)])) };
    this.subscribers.add(subscriber);
    this.timer ??= setInterval(() => this.tick(), this.opts.intervalMs);
    return {
      rooms: summaries,
      stop: () => {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.stopTimer();
      },
    };
  }

  get watching(): number {
    return this.subscribers.size;
  }

  close(): void {
    this.subscribers.clear();
    this.stopTimer();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private summaries(): Promise<RoomSummary[]> {
    this.computing ??= Promise.all(
      this.opts.rooms
        .list()
        .filter((r) => !r.isClosed)
        .map((r) => summarizeRoom(r)),
    )
      .then((summaries) => {
        this.latest = { at: Date.now(), summaries };
        return summaries;
      })
      .finally(() => (this.computing = undefined));
    return this.computing;
  }

  private tick(): void {
    // A slow round is joined, never stacked: summaries() shares the one in progress.
    if (this.computing) return;
    this.summaries().then(
      (summaries) => {
        const serialised = new Map(summaries.map((s) => [s.room, JSON.stringify(s)]));
        for (const sub of this.subscribers) {
          const rooms = summaries.filter((s) => sub.sent.get(s.room) !== serialised.get(s.room));
          const removed = [...sub.sent.keys()].filter((id) => !serialised.has(id));
          for (const s of rooms) sub.sent.set(s.room, serialised.get(s.room)!);
          for (const id of removed) sub.sent.delete(id);
          if (rooms.length || removed.length) sub.push({ rooms, removed });
        }
      },
      (err: unknown) => this.opts.log.warn({ err }, 'room summaries failed'),
    );
  }
}
