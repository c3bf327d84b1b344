// Every open room's presence relay, made when the room opens and dropped when it closes. The room is followed
// from outside (its peers coming, coming back and going): nothing in media/ knows presence exists.
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/room-registry.js';
import { RoomPresence } from './room-presence.js';

export interface PresenceOptions {
  /** Gaze changes are batched and sent at most this often. */
  flushMs: number;
}

export class Presence {
  private readonly rooms = new Map<Room, RoomPresence>();
  private readonly unwatch: () => void;

  constructor(
    rooms: RoomRegistry,
    private readonly opts: PresenceOptions,
  ) {
    this.unwatch = rooms.onRoomOpened((room) => this.follow(room));
  }

  /** The room's relay. */
  of(room: Room): RoomPresence {
    return this.rooms.get(room) ?? this.follow(room);
  }

  close(): void {
    this.unwatch();
    for (const presence of this.rooms.values()) presence.close();
    this.rooms.clear();
  }

  private follow(room: Room): RoomPresence {
    const known = this.rooms.get(room);
    if (known) return known;
    const presence = new RoomPresence(room, this.opts.flushMs);
    this.rooms.set(room, presence);
    room.watch({
      peerJoined: (peer) => presence.peerJoined(peer),
      peerResumed: (peer) => presence.peerResumed(peer),
      peerLeft: (peer) => presence.peerLeft(peer),
      closed: () => {
        presence.close();
        this.rooms.delete(room);
      },
    });
    return presence;
  }
}
