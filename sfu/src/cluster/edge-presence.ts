// Presence across a pipe, on the edge: the room's presence relay here sends its batches (where the viewers
// here look) to the room's camera here — the pipe — and they go on to the origin, whose camera page and
// operators see every viewer wherever it watches. The first message on a pipe is the whole picture, then what
// changed. A cue made on the origin comes the other way to the viewers here; who has looked goes back to be
// counted there.
import type { Room } from '../media/room.js';
import type { RoomPresence } from '../presence/room-presence.js';
import type { AnyEvent, Gaze, GazeEntry, PeerId } from '../protocol/index.js';
import type { Bus } from './bus.js';
import type { BusMessageOf, NodeId } from './messages.js';

type GazeBatch = Extract<AnyEvent, { event: 'gaze' }>['data'];

export interface EdgePresenceOptions {
  room: Room;
  presence: RoomPresence;
  bus: Bus;
  origin: NodeId;
  /** Whether the origin has been told of this viewer (its stand-in is there). */
  known: (peerId: PeerId) => boolean;
}

export class EdgePresence {
  /** Where the viewers here look, as the relay here last said; and what the origin has not had yet. */
  private readonly gazes = new Map<PeerId, Gaze>();
  private readonly changed = new Set<PeerId>();
  /** The origin has had the whole picture. */
  private sentWhole = false;

  constructor(private readonly opts: EdgePresenceOptions) {}

  /** A batch from the relay here. */
  heard(batch: GazeBatch): void {
    if (batch.full) {
      for (const id of this.gazes.keys()) this.changed.add(id);
      this.gazes.clear();
    }
    for (const { peerId, gaze } of batch.viewers) {
      if (gaze) this.gazes.set(peerId, gaze);
      else this.gazes.delete(peerId);
      this.changed.add(peerId);
    }
  }

  /** Something is still to be sent. */
  get pending(): boolean {
    return !this.sentWhole || this.changed.size > 0;
  }

  /**
   * Sends the origin what changed (everything, the first time). A viewer the origin has not been told of
   * yet waits: its gaze follows the report of the viewer itself.
   */
  async relay(): Promise<void> {
    const whole = !this.sentWhole;
    const ids = new Set(whole ? [...this.gazes.keys(), ...this.changed] : this.changed);
    const viewers: GazeEntry[] = [];
    for (const peerId of ids) {
      const gaze = this.gazes.get(peerId) ?? null;
      if (this.opts.known(peerId)) viewers.push({ peerId, gaze });
      else if (gaze) continue; // stays changed until its viewer is known there
      this.changed.delete(peerId);
    }
    if (!whole && viewers.length === 0) return;
    this.sentWhole = true;
    const { bus, origin, room } = this.opts;
    await bus.send(origin, { type: 'pipeGaze', room: room.id, full: whole, viewers });
  }

  /** The origin's cue, for those of its viewers that are here. */
  lookHere(m: BusMessageOf<'pipeLookHere'>): void {
    const { room, presence, bus, origin } = this.opts;
    const viewers = m.peerIds.flatMap((id) => room.peer(id) ?? []);
    presence.relayLook(viewers, m.cue, (peerId, cueId) => {
      void bus.send(origin, { type: 'pipeCueSeen', room: room.id, peerId, cueId });
    });
  }
}
