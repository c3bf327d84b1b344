// All open rooms. Creation is serialised per room id, so two people arriving at once share one router.
import type { FastifyBaseLogger } from 'fastify';
import type { PeerId, Role, RoomId } from '../protocol/index.js';
import type { Peer } from './peer.js';
import { Room } from './room.js';
import type { WorkerPool } from './worker-pool.js';

/**
 * Decides whether a peer may come in before it joins, and prepares the room for it: with several nodes, a
 * camera must not be on two nodes at once, and a viewer on a node without the camera needs it piped in.
 * Throws a ServiceError to refuse. Without a gate every join is let in as it is.
 */
export interface RoomGate {
  admit(room: Room, role: Role): Promise<void>;
  /** The room's camera is on another node (this node can carry it to a viewer). */
  cameraElsewhere(id: RoomId): Promise<boolean>;
}

/** What an operator changes in a room: close it (no rejoining), or cap its viewers. */
export type RoomChange = { close: string } | { maxViewers: number };

export class RoomRegistry {
  private gate: RoomGate | undefined;
  private readonly rooms = new Map<RoomId, Room>();
  private readonly creating = new Map<RoomId, Promise<Room>>();
  private readonly openedListeners = new Set<(room: Room) => void>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly log: FastifyBaseLogger,
    private readonly opts: {
      emptyCloseMs: number;
      maxViewers: number;
      keyFrameMinIntervalMs: number;
      viewersPerWorker: number;
      cameraStallMs: number;
    },
  ) {}

  /** Set once, by the cluster when there is one. */
  setGate(gate: RoomGate): void {
    this.gate = gate;
  }

  /**
   * Gets or creates the room, lets the gate admit `role`, and holds the room open; the caller must
   * `release()` it after joining.
   */
  async acquire(id: RoomId, role: Role): Promise<Room> {
    for (;;) {
      const room = this.rooms.get(id) ?? (await this.create(id));
      // A room can close while we awaited its creation (its worker died); then make a new one.
      if (room.isClosed) continue;
      room.hold();
      try {
        await this.gate?.admit(room, role);
      } catch (error) {
        room.release();
        throw error;
      }
      if (room.isClosed) {
        room.release();
        continue;
      }
      return room;
    }
  }

  /**
   * For a viewer that only wants a live camera (WHEP): the room held, as `acquire` gives it, when its camera
   * is live here or on another node (then the gate carries it here); undefined, creating nothing, otherwise.
   */
  async acquireLive(id: RoomId): Promise<Room | undefined> {
    const live = (room: Room) => (room.camera?.listProducers().length ?? 0) > 0;
    const here = this.rooms.get(id);
    if (!(here && live(here)) && !(await this.gate?.cameraElsewhere(id))) return undefined;
    const room = await this.acquire(id, 'viewer');
    if (live(room)) return room;
    room.release();
    return undefined;
  }

  get(id: RoomId): Room | undefined {
    return this.rooms.get(id);
  }

  /** The open room a peer is in, with the peer. */
  findPeer(id: PeerId): { room: Room; peer: Peer } | undefined {
    for (const room of this.rooms.values()) {
      const peer = room.isClosed ? undefined : room.peer(id);
      if (peer) return { room, peer };
    }
    return undefined;
  }

  /** Applies an operator's change to the room if it is open here; false when it is not. */
  operate(id: RoomId, change: RoomChange): boolean {
    const room = this.rooms.get(id);
    if (!room || room.isClosed) return false;
    if ('close' in change) room.close(change.close, false);
    else room.maxViewers = change.maxViewers;
    return true;
  }

  /** Calls `listener` with each room opened from now on; returns the function that stops it. */
  onRoomOpened(listener: (room: Room) => void): () => void {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  list(): Room[] {
    return [...this.rooms.values()];
  }

  closeAll(reason: string): void {
    for (const room of this.list()) room.close(reason);
  }

  private create(id: RoomId): Promise<Room> {
    let pending = this.creating.get(id);
    if (!pending) {
      pending = Room.create({
        id,
        worker: this.pool.pick(),
        log: this.log,
        emptyCloseMs: this.opts.emptyCloseMs,
        maxViewers: this.opts.maxViewers,
        keyFrameMinIntervalMs: this.opts.keyFrameMinIntervalMs,
        workers: () => this.pool.all(),
        viewersPerWorker: this.opts.viewersPerWorker,
        cameraStallMs: this.opts.cameraStallMs,
        onClose: (room) => {
          if (this.rooms.get(id) === room) this.rooms.delete(id);
        },
      })
        .then((room) => {
          this.rooms.set(id, room);
          for (const listener of this.openedListeners) {
            try {
              listener(room);
            } catch (error) {
              this.log.error({ err: error, roomId: id }, 'a room-opened listener failed');
            }
          }
          return room;
        })
        .finally(() => this.creating.delete(id));
      this.creating.set(id, pending);
    }
    return pending;
  }
}
