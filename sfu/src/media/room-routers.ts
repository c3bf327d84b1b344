// A room's routers: one on its home worker, and one more on each other worker the room has spread to.
// A worker forwards to at most `viewersPerWorker` of the room's viewers; the next viewers are placed on
// another worker, and a track reaches a router other than its own through a pipe (mediasoup pipeToRouter),
// so one room can use every core. Which router a peer is on decides where its transports live.
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import type { PeerId, Role } from '../protocol/index.js';
import { mediaCodecs } from './codecs.js';
import type { MediaWorker } from './worker-pool.js';

export interface Placement {
  worker: MediaWorker;
  router: types.Router;
}

export interface RoomRoutersOptions {
  /** The pool's live workers, in index order. */
  workers: () => readonly MediaWorker[];
  viewersPerWorker: number;
  log: FastifyBaseLogger;
  /** Any of the room's routers closed (its worker died). */
  onRouterClose: () => void;
}

export class RoomRouters {
  private readonly placements: Placement[];
  private readonly peers = new Map<PeerId, { placement: Placement; role: Role }>();
  /** Pipes made, by "producerId→routerId": each track is piped to a router once. */
  private readonly pipes = new Map<string, Promise<unknown>>();
  private opening: Promise<Placement> | undefined;

  constructor(
    home: Placement,
    private readonly opts: RoomRoutersOptions,
  ) {
    this.placements = [home];
    home.router.observer.once('close', () => opts.onRouterClose());
  }

  get home(): Placement {
    return this.placements[0]!;
  }

  /** How many of the room's viewers each of its workers serves, home first (for the dashboard and tests). */
  viewersPerRouter(): { worker: number; viewers: number }[] {
    return this.placements.map((p) => ({ worker: p.worker.index, viewers: this.viewersOn(p) }));
  }

  /** The router a peer's transports go on: decided at its first transport, kept until it leaves. */
  async place(peerId: PeerId, role: Role): Promise<Placement> {
    const known = this.peers.get(peerId);
    if (known) return known.placement;
    // The camera stays home: its tracks are piped out from there.
    const placement = role === 'viewer' ? await this.placeViewer() : this.home;
    this.peers.set(peerId, { placement, role });
    return placement;
  }

  placementOf(peerId: PeerId): Placement {
    return this.peers.get(peerId)?.placement ?? this.home;
  }

  release(peerId: PeerId): void {
    this.peers.delete(peerId);
  }

  /** Makes `producer` (on `from`) consumable on `to`; once per track and router. */
  async reach(producer: types.Producer, from: Placement, to: Placement): Promise<void> {
    if (from.router === to.router) return;
    const key = `${producer.id}→${to.router.id}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      pipe = from.router.pipeToRouter({ producerId: producer.id, router: to.router });
      this.pipes.set(key, pipe);
      // A failed pipe is forgotten so the next consumer tries again; a closed track needs no pipe.
      pipe.catch(() => this.pipes.delete(key));
      producer.observer.once('close', () => this.pipes.delete(key));
    }
    await pipe;
  }

  routers(): types.Router[] {
    return this.placements.map((p) => p.router);
  }

  close(): void {
    for (const p of this.placements) p.router.close();
  }

  private viewersOn(p: Placement): number {
    let n = 0;
    for (const v of this.peers.values()) if (v.placement === p && v.role === 'viewer') n++;
    return n;
  }

  private async placeViewer(): Promise<Placement> {
    const open = this.placements.find((p) => this.viewersOn(p) < this.opts.viewersPerWorker);
    if (open) return open;
    const used = new Set(this.placements.map((p) => p.worker));
    const fresh = this.opts.workers().find((w) => !used.has(w) && !w.worker.died && !w.worker.closed);
    if (!fresh) {
      // Every worker has its share: the least loaded takes one more.
      return this.placements.reduce((a, b) => (this.viewersOn(b) < this.viewersOn(a) ? b : a));
    }
    // Viewers arriving together wait for the one new router instead of each opening their own.
    this.opening ??= this.open(fresh).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(worker: MediaWorker): Promise<Placement> {
    const router = await worker.worker.createRouter({ mediaCodecs });
    const placement = { worker, router };
    this.placements.push(placement);
    router.observer.once('close', () => this.opts.onRouterClose());
    this.opts.log.info(
      { worker: worker.index, routerId: router.id, viewersPerWorker: this.opts.viewersPerWorker },
      'room spread to another worker',
    );
    return placement;
  }
}
