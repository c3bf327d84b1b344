// The edges' viewers, on the origin: each viewer an edge reports stands here as a viewer of the room (source
// "origin", not counted against the cap), so the camera lists everyone who watches, wherever they are; when
// one speaks, its voice arrives piped back and the camera hears it like any other. The camera muting it is
// told to the edge, which mutes the real viewer. Presence goes the same way: the edge's batches of where its
// viewers look are set on their stand-ins, a "look here" sent to stand-ins goes to the edge in one message,
// and a viewer there that has looked is counted here. A stand-in leaves when the edge says its viewer left,
// or with the pipe.
import type { types } from 'mediasoup';
import type { Peer } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { AnyEvent, CueId, PeerId, ProducerId } from '../protocol/index.js';
import type { RoomPresence } from '../presence/room-presence.js';
import type { BusMessageOf, NodeId } from './messages.js';

export interface RelayedViewersOptions {
  room: Room;
  edge: NodeId;
  transport: types.PipeTransport;
  /** The camera muted the edge's viewer `peerId`. */
  muted: (peerId: PeerId) => void;
  /** An operator removed the edge's viewer `peerId` (its stand-in here). */
  kicked: (peerId: PeerId, reason: string) => void;
  /** The room's presence relay here. */
  presence: RoomPresence;
  /** A "look here" for these of the edge's viewers. */
  cue: (peerIds: PeerId[], data: LookHere) => void;
}

type LookHere = Extract<AnyEvent, { event: 'lookHere' }>['data'];
interface Cueing {
  data: LookHere;
  to: PeerId[];
}

interface StandIn {
  peer: Peer;
  /** The voice, by the edge's producer id of it. */
  voice?: { edgeProducer: ProducerId; producer: types.Producer };
}

export class RelayedViewers {
  /** By the edge's peer id of the viewer. */
  private readonly viewers = new Map<PeerId, StandIn>();
  /** A cue on its way to the edge: the stand-ins it was sent to in this turn of the event loop. */
  private cueing: Cueing | undefined;

  constructor(private readonly opts: RelayedViewersOptions) {}

  async seen(m: BusMessageOf<'pipeViewer'>): Promise<void> {
    const { room } = this.opts;
    let standIn = this.viewers.get(m.peerId);
    if (!standIn) {
      standIn = {
        peer: room.join({
          role: 'viewer',
          source: 'origin',
          page: m.page ?? false,
          displayName: m.displayName,
          device: `on node ${this.opts.edge}`,
          link: {
            owner: this,
            notify: (event) => {
              if (event.event === 'talkbackMuted') this.opts.muted(m.peerId);
              if (event.event === 'lookHere') this.cueFor(m.peerId, event.data);
            },
            disconnect: (reason) => {
              if (reason === 'kicked') this.opts.kicked(m.peerId, 'removed by the operator');
              this.left(m.peerId);
            },
          },
        }),
      };
      this.viewers.set(m.peerId, standIn);
    } else if (m.displayName !== undefined && standIn.peer.displayName !== m.displayName) {
      room.setDisplayName(standIn.peer, m.displayName);
    }
    if (m.voice && standIn.voice?.edgeProducer !== m.voice.producerId) {
      standIn.voice?.producer.close();
      const producer = await this.opts.transport.produce({
        kind: 'audio',
        rtpParameters: m.voice.rtpParameters,
        paused: m.voice.paused,
      });
      if (standIn.peer.isClosed) return producer.close();
      standIn.voice = { edgeProducer: m.voice.producerId, producer };
      room.adoptVoice(standIn.peer, producer);
    }
  }

  /** Where the edge's viewers look: each entry set on its stand-in; `full`: those not listed share nothing. */
  gaze(m: BusMessageOf<'pipeGaze'>): void {
    const listed = new Set<PeerId>();
    for (const { peerId, gaze } of m.viewers) {
      listed.add(peerId);
      const standIn = this.viewers.get(peerId);
      if (standIn) this.opts.presence.relayed(standIn.peer, gaze);
    }
    if (m.full)
      for (const [peerId, standIn] of this.viewers)
        if (!listed.has(peerId) && standIn.peer.sharesGaze) this.opts.presence.relayed(standIn.peer, null);
  }

  /** The edge's viewer `peerId` has looked at the cue. */
  cueSeen(peerId: PeerId, cueId: CueId): void {
    const standIn = this.viewers.get(peerId);
    if (standIn) this.opts.presence.cueSeen(standIn.peer, cueId);
  }

  /** The stand-ins a cue is sent to in one go become one message to the edge. */
  private cueFor(peerId: PeerId, data: LookHere): void {
    let cueing = this.cueing;
    if (cueing?.data.cueId !== data.cueId) {
      const fresh = (cueing = this.cueing = { data, to: [] });
      queueMicrotask(() => {
        if (this.cueing === fresh) this.cueing = undefined;
        this.opts.cue(fresh.to, fresh.data);
      });
    }
    cueing.to.push(peerId);
  }

  left(viewer: PeerId): void {
    const standIn = this.viewers.get(viewer);
    if (!standIn) return;
    this.viewers.delete(viewer);
    this.opts.room.leave(standIn.peer);
  }

  /** The edge's voice `edgeProducer` paused, resumed or ended. */
  async voice(edgeProducer: ProducerId, state: 'paused' | 'resumed' | 'closed'): Promise<void> {
    const standIn = [...this.viewers.values()].find((s) => s.voice?.edgeProducer === edgeProducer);
    if (!standIn?.voice) return;
    const { room } = this.opts;
    const id = standIn.voice.producer.id as ProducerId;
    if (state === 'closed') {
      standIn.voice = undefined;
      room.closeProducer(standIn.peer, id);
    } else if (state === 'paused') await room.pauseProducer(standIn.peer, id);
    else await room.resumeProducer(standIn.peer, id);
  }

  endAll(): void {
    for (const id of [...this.viewers.keys()]) this.left(id);
  }
}
