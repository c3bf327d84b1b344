// Where a page goes in a cluster: the join answer's list of nodes (to go on at when this one dies), the
// other nodes' page origins (their pages may come here, ours may go there), and the decision to send a viewer
// from a full node (NODE_MAX_VIEWERS, or its busiest worker over 90 % CPU) to the least loaded node with room,
// with a short-lived signed ticket that node honours past its own limit: moved once, never bounced on.
import type { FastifyBaseLogger } from 'fastify';
import type { Tokens } from '../auth/tokens.js';
import { MovedError } from '../errors.js';
import type { NodeId, RoomId } from '../protocol/index.js';
import type { NodeDirectory } from '../signaling/session.js';
import type { NodeRecord } from './messages.js';

/** A node whose busiest worker is this busy takes no more viewers while another node has room. */
const busyCpu = 0.9;
/** How long a ticket to another node is good for (the page follows it at once). */
const ticketTtlS = 60;
/** How long a node's page origin stays welcome after it was last seen. */
const originMemoryMs = 24 * 3600 * 1000;

export interface NodePlacementOptions {
  self: NodeId;
  nodeUrl: string;
  maxViewers: number;
  tokens: Tokens;
  log: FastifyBaseLogger;
  /** The viewers this node serves now. */
  viewers: () => number;
}

export class NodePlacement implements Omit<NodeDirectory, 'roomChanged'> {
  private nodes: NodeRecord[] = [];
  private cpu = 0;
  private readonly knownOrigins = new Map<string, number>();
  private readonly ownOrigin: string;

  constructor(private readonly opts: NodePlacementOptions) {
    this.ownOrigin = new URL(opts.nodeUrl).origin;
  }

  /** What the heartbeat learnt: the live nodes, and this node's busiest worker's CPU share. */
  update(nodes: NodeRecord[], cpu: number, now = Date.now()): void {
    this.nodes = nodes;
    this.cpu = cpu;
    for (const n of nodes) if (URL.canParse(n.httpUrl)) this.knownOrigins.set(new URL(n.httpUrl).origin, now);
    for (const [origin, seen] of this.knownOrigins)
      if (now - seen > originMemoryMs) this.knownOrigins.delete(origin);
  }

  members(): { node: NodeId; nodes: { id: NodeId; url: string }[] } {
    const nodes = this.nodes.map((n) => ({ id: n.id, url: n.httpUrl }));
    if (!nodes.some((n) => n.id === this.opts.self))
      nodes.unshift({ id: this.opts.self, url: this.opts.nodeUrl });
    return { node: this.opts.self, nodes };
  }

  /**
   * The other nodes' page origins, of the last day: pages from there may come here (a page whose node died
   * comes on here, so a node gone a moment ago counts), and pages from here may go there.
   */
  origins(): string[] {
    return [...this.knownOrigins.keys()].filter((o) => o !== this.ownOrigin);
  }

  async placeViewer(room: RoomId, ticket: string | undefined): Promise<void> {
    const { self, tokens, log } = this.opts;
    const full = this.opts.viewers() >= this.opts.maxViewers || this.cpu >= busyCpu;
    if (!full) return;
    if (ticket) {
      const sent = await tokens.verifyTicket(ticket);
      if (sent?.node === self && sent.room === room) return;
    }
    const hasRoom = (n: NodeRecord) => n.load.viewers < n.load.maxViewers && n.load.cpu < busyCpu;
    const share = (n: NodeRecord) => n.load.viewers / Math.max(1, n.load.maxViewers);
    const target = this.nodes
      .filter((n) => n.id !== self && hasRoom(n))
      .reduce<NodeRecord | undefined>((best, n) => (!best || share(n) < share(best) ? n : best), undefined);
    if (!target) {
      log.warn({ roomId: room }, 'node full and no other node has room; the viewer stays here');
      return;
    }
    log.info({ roomId: room, to: target.id }, 'node full: viewer sent to another node');
    throw new MovedError(`node ${self} is full; continue on node ${target.id}`, {
      node: target.id,
      url: target.httpUrl,
      ticket: await tokens.issueTicket({ room, node: target.id }, ticketTtlS),
    });
  }
}
