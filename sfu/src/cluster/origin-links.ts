// The origin's pipes: for each room whose camera is here, one OriginLink per edge node that asked for it.
// Opens them on an edge's pipeOpen (answering with this end, the camera's tracks, the stream description and
// the talkback policy), replaces one an edge asks for again, and forgets each as it closes.
import type { FastifyBaseLogger } from 'fastify';
import type { RoomRegistry } from '../media/room-registry.js';
import type { Presence } from '../presence/presence.js';
import type { RoomId } from '../protocol/index.js';
import type { Bus } from './bus.js';
import type { BusMessageOf, NodeId } from './messages.js';
import { OriginLink } from './origin-link.js';

export interface OriginLinksOptions {
  self: NodeId;
  rooms: RoomRegistry;
  presence: Presence;
  bus: Bus;
  listen: { ip: string; announcedIp?: string };
  log: FastifyBaseLogger;
}

export class OriginLinks {
  private readonly links = new Map<RoomId, Map<NodeId, OriginLink>>();

  constructor(private readonly opts: OriginLinksOptions) {}

  get(room: RoomId, edge: NodeId): OriginLink | undefined {
    return this.links.get(room)?.get(edge);
  }

  of(room: RoomId): OriginLink[] {
    return [...(this.links.get(room)?.values() ?? [])];
  }

  all(): OriginLink[] {
    return [...this.links.values()].flatMap((m) => [...m.values()]);
  }

  /** Answers an edge's pipeOpen: a new pipe for the room, or why there is none. */
  async open(m: BusMessageOf<'pipeOpen'>): Promise<void> {
    const { bus, rooms, self } = this.opts;
    const reply = (result: BusMessageOf<'pipeOpened'>['result']) =>
      bus.send(m.from, { type: 'pipeOpened', rid: m.rid, room: m.room, result });
    const room = rooms.get(m.room);
    if (!room || room.isClosed || room.camera?.source === 'origin') {
      await reply({ ok: false, reason: `room ${m.room} has no camera on node ${self}` });
      return;
    }
    const links = this.links.get(room.id) ?? new Map<NodeId, OriginLink>();
    this.links.set(room.id, links);
    // The edge asks again (it restarted, or lost its end): its old pipe is of no use.
    links.get(m.from)?.close('the edge opened a new pipe', false);
    try {
      const { link, end, tracks } = await OriginLink.open(
        {
          room,
          presence: this.opts.presence.of(room),
          edge: m.from,
          bus,
          listen: this.opts.listen,
          log: this.opts.log.child({ roomId: room.id }),
          onClose: (l) => {
            if (links.get(l.edge) === l) links.delete(l.edge);
            if (links.size === 0 && this.links.get(room.id) === links) this.links.delete(room.id);
          },
        },
        m.end,
      );
      links.set(m.from, link);
      await reply({
        ok: true,
        end,
        stream: room.stream,
        talkback: room.talkback,
        recording: room.recording,
        maxViewers: room.maxViewers,
        tracks,
      });
    } catch (error) {
      await reply({ ok: false, reason: (error as Error).message });
    }
  }

  closeAll(reason: string): void {
    for (const link of this.all()) link.close(reason);
  }
}
