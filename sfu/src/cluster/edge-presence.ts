// Presence across a pipe, on the edge: the room's presence relay here sends its batches (where the viewers
// here look) to the room's camera here — the pipe — and they go on to the origin, whose camera page and
// operators see every viewer wherever it watches. The first message on a pipe is the whole picture, then what
// changed. A cue made on the origin comes the other way to the viewers here; who has looked goes back to be
// counted there. Operators here watch the origin's whole picture (every viewer of the room, wherever it
// watches), kept here as last heard, and their cues are made there.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../errors.js';
import type { Room } from '../media/room.js';
import type { PresenceUpstream, RoomPresence } from '../presence/room-presence.js';
import type { AnyEvent, CueId, CueProgress, Direction, Gaze, GazeEntry, PeerId } from '../protocol/index.js';
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

export class EdgePresence implements PresenceUpstream {
  /** Where the viewers here look, as the relay here last said; and what the origin has not had yet. */
  private readonly gazes = new Map<PeerId, Gaze>();
  private readonly changed = new Set<PeerId>();
  /** The origin has had the whole picture. */
  private sentWhole = false;
  /** The origin's picture, while operators here watch it: by the viewers' ids there, with their names. */
  private readonly picture = new Map<PeerId, { gaze: Gaze; name: string | undefined }>();
  private cue: CueProgress | undefined;

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

  watching(on: boolean): void {
    const { bus, origin, room } = this.opts;
    if (!on) {
      this.picture.clear();
      this.cue = undefined;
    }
    void bus.send(origin, { type: 'pipeWatchPresence', room: room.id, watching: on });
  }

  whole(): { gaze: GazeBatch; cue: CueProgress | undefined } {
    const entries = [...this.picture];
    const viewers = entries.map(([peerId, { gaze }]) => ({ peerId, gaze }));
    const names = Object.fromEntries(entries.flatMap(([peerId, { name }]) => (name ? [[peerId, name]] : [])));
    return { gaze: { room: this.opts.room.id, full: true, viewers, names }, cue: this.cue };
  }

  async look(direction: Direction): Promise<CueId> {
    const { bus, origin, room } = this.opts;
    const cueId = randomUUID() as CueId;
    if (!(await bus.send(origin, { type: 'pipeLook', room: room.id, cueId, ...direction })))
      throw new ServiceError('invalid_state', `the camera's node (${origin}) cannot be reached now`);
    return cueId;
  }

  /** The origin's picture changed (or its cue's count): kept, and passed on to the operators here. */
  fromOrigin(m: BusMessageOf<'pipePresence'>): void {
    const { presence } = this.opts;
    if (m.gaze) {
      if (m.gaze.full) this.picture.clear();
      for (const { peerId, gaze } of m.gaze.viewers) {
        if (!gaze) this.picture.delete(peerId);
        else
          this.picture.set(peerId, { gaze, name: m.gaze.names?.[peerId] ?? this.picture.get(peerId)?.name });
      }
      presence.fromUpstream({ event: 'gaze', data: m.gaze });
    }
    if (m.cue) {
      this.cue = m.cue;
      presence.fromUpstream({ event: 'cue', data: m.cue });
    }
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
