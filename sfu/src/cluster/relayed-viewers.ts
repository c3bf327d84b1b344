// The edges' viewers, on the origin: each viewer an edge reports stands here as a viewer of the room (source
// "origin", not counted against the cap), so the camera lists everyone who watches, wherever they are; when
// one speaks, its voice arrives piped back and the camera hears it like any other. The camera muting it is
// told to the edge, which mutes the real viewer. A stand-in leaves when the edge says its viewer left, or
// with the pipe.
import type { types } from 'mediasoup';
import type { Peer } from '../media/peer.js';
import type { Room } from '../media/room.js';
import type { PeerId, ProducerId } from '../protocol/index.js';
import type { BusMessageOf, NodeId } from './messages.js';

export interface RelayedViewersOptions {
  room: Room;
  edge: NodeId;
  transport: types.PipeTransport;
  /** The camera muted the edge's viewer `peerId`. */
  muted: (peerId: PeerId) => void;
  /** An operator removed the edge's viewer `peerId` (its stand-in here). */
  kicked: (peerId: PeerId, reason: string) => void;
}

interface StandIn {
  peer: Peer;
  /** The voice, by the edge's producer id of it. */
  voice?: { edgeProducer: ProducerId; producer: types.Producer };
}

export class RelayedViewers {
  /** By the edge's peer id of the viewer. */
  private readonly viewers = new Map<PeerId, StandIn>();

  constructor(private readonly opts: RelayedViewersOptions) {}

  async seen(m: BusMessageOf<'pipeViewer'>): Promise<void> {
    const { room } = this.opts;
    let standIn = this.viewers.get(m.peerId);
    if (!standIn) {
      standIn = {
        peer: room.join({
          role: 'viewer',
          source: 'origin',
          displayName: m.displayName,
          device: `on node ${this.opts.edge}`,
          link: {
            owner: this,
            notify: (event) => {
              if (event.event === 'talkbackMuted') this.opts.muted(m.peerId);
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
