// One room's presence: where each viewer page looks, relayed to the room's camera page and to operators who
// watch the room — never to another viewer — and the teacher's current "look here" cue with how many have
// looked at it. Gazes live only here, in memory, while their viewer is in the room: never logged, never
// written anywhere. Reports arrive as often as the pages send them; the relay batches what changed and sends
// it at most every `flushMs` (at once after a quiet spell), so 200 viewers cost the camera page ten messages a
// second, not a thousand.
//
// In a cluster the same relay runs on every node: on an edge the room's "camera" is the pipe from the origin
// (cluster/edge-source.ts), which passes the batches on to the origin; there the edge's viewers stand in the
// room (cluster/relayed-viewers.ts) and their gazes are set as relayed. A cue reaches the edge's viewers the
// other way, and their "seen" goes back up to be counted where the cue was made. An operator watching the
// room on an edge sees the origin's whole picture (`PresenceUpstream`), and its cue is made there.
import { randomUUID } from 'node:crypto';
import {
  CUE_MS,
  type AnyEvent,
  GAZE_MAX_PER_SECOND,
  type CueId,
  type CueProgress,
  type Direction,
  type Gaze,
  type GazeEntry,
  type PeerId,
  type RoomId,
} from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import type { Notify, Peer } from '../media/peer.js';
import { TokenBucket } from '../signaling/rate-limit.js';

/** What the relay needs of its room. */
export interface PresenceRoom {
  readonly id: RoomId;
  readonly camera: Peer | undefined;
  viewers(): Peer[];
  /** A viewer's sharing changed: the camera's audience list shows it. */
  audienceChanged(): void;
}

/** A viewer page (not a WHEP session): here, or on an edge node and standing in here. */
const isPage = (p: Peer) => p.role === 'viewer' && p.page;

/** Reports a viewer may send at once before the per-second limit applies. */
const GAZE_BURST = 4;

interface Cue {
  progress: CueProgress;
  /** The viewers it was sent to, and those who have looked at it. */
  to: Set<PeerId>;
  seen: Set<PeerId>;
  /** A cue made on the origin node: who has looked is told there, and counted there. */
  upstream?: (viewer: PeerId, cueId: CueId) => void;
}

/** A cue as the viewers get it. */
type LookHereData = Direction & { cueId: CueId; durationMs: number };
type GazeBatch = Extract<AnyEvent, { event: 'gaze' }>['data'];

/**
 * On an edge node: the room as the camera's node (the origin) sees it. Operators here follow that picture,
 * and their cues are made there.
 */
export interface PresenceUpstream {
  /** Operators here follow the room (true), or none does any more (false). */
  watching(on: boolean): void;
  /** The whole picture as last heard from the origin: what an operator here gets first. */
  whole(): { gaze: GazeBatch; cue: CueProgress | undefined };
  /** An operator here says "look here". */
  look(direction: Direction): Promise<CueId>;
}

export class RoomPresence {
  private readonly gazes = new Map<PeerId, Gaze>();
  private readonly changed = new Set<PeerId>();
  private readonly buckets = new Map<PeerId, TokenBucket>();
  /** Operators following the room, and those of them still to get the whole picture. */
  private readonly watchers = new Set<Notify>();
  private readonly fresh = new Set<Notify>();
  /** The camera peer that has the whole picture (a new camera, or one back on a new connection, has not). */
  private cameraInformed: PeerId | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = -Infinity;
  private cue: Cue | undefined;
  private upstream: PresenceUpstream | undefined;

  constructor(
    private readonly room: PresenceRoom,
    private readonly flushMs: number,
  ) {}

  /** A viewer's gaze now; null: it stops sharing. */
  report(viewer: Peer, gaze: Gaze | null): void {
    if (!isPage(viewer) || viewer.source === 'origin')
      throw new ServiceError('forbidden', 'only a viewer page reports its gaze');
    let bucket = this.buckets.get(viewer.id);
    if (!bucket) this.buckets.set(viewer.id, (bucket = new TokenBucket(GAZE_MAX_PER_SECOND, GAZE_BURST)));
    if (!bucket.take())
      throw new ServiceError(
        'too_frequent',
        `gaze may be reported at most ${GAZE_MAX_PER_SECOND} times a second`,
      );
    this.set(viewer, gaze);
  }

  /** The gaze of an edge node's viewer standing in here, as its node batched it (limited there). */
  relayed(viewer: Peer, gaze: Gaze | null): void {
    if (isPage(viewer) && viewer.source === 'origin') this.set(viewer, gaze);
  }

  private set(viewer: Peer, gaze: Gaze | null): void {
    if (gaze) this.gazes.set(viewer.id, gaze);
    else if (!this.gazes.delete(viewer.id) && !viewer.sharesGaze) return; // nothing was shared
    this.changed.add(viewer.id);
    if (viewer.sharesGaze !== (gaze !== null)) {
      viewer.sharesGaze = gaze !== null;
      this.room.audienceChanged();
    }
    this.schedule();
  }

  /** Someone came: a camera needs the whole picture. */
  peerJoined(peer: Peer): void {
    if (peer.role === 'camera') this.schedule();
  }

  /** A peer is back on a new connection: what it missed while away is sent again as a whole. */
  peerResumed(peer: Peer): void {
    if (peer.role !== 'camera') return;
    this.cameraInformed = undefined;
    this.schedule();
  }

  peerLeft(peer: Peer): void {
    this.buckets.delete(peer.id);
    if (this.gazes.delete(peer.id)) {
      this.changed.add(peer.id);
      this.schedule();
    }
    const cue = this.cue;
    if (cue?.to.delete(peer.id)) {
      cue.seen.delete(peer.id);
      if (!cue.upstream) this.updateCue(cue);
    }
  }

  /** An operator follows the room; the returned function stops it. */
  watch(notify: Notify): () => void {
    this.watchers.add(notify);
    this.fresh.add(notify);
    if (this.watchers.size === 1) this.upstream?.watching(true);
    this.schedule();
    return () => {
      if (!this.watchers.delete(notify)) return;
      this.fresh.delete(notify);
      if (this.watchers.size === 0) this.upstream?.watching(false);
    };
  }

  /**
   * On an edge node, while the room's camera is piped in: operators here watch the origin's picture
   * (`undefined`: this node's own again). Each of them gets the whole of it anew.
   */
  follow(upstream: PresenceUpstream | undefined): void {
    if (this.upstream === upstream) return;
    if (this.watchers.size > 0) this.upstream?.watching(false);
    this.upstream = upstream;
    if (this.watchers.size === 0) return;
    upstream?.watching(true);
    for (const w of this.watchers) this.fresh.add(w);
    this.schedule();
  }

  /** Stops following `upstream` (its pipe ended), unless another has taken its place. */
  unfollow(upstream: PresenceUpstream): void {
    if (this.upstream === upstream) this.follow(undefined);
  }

  /** A batch of the origin's picture, or its cue count: on to the operators here. */
  fromUpstream(event: Extract<AnyEvent, { event: 'gaze' | 'cue' }>): void {
    // An operator still to get the whole picture gets it at the flush, this already in it.
    for (const w of this.watchers) if (!this.fresh.has(w)) w(event);
  }

  /**
   * Sends every viewer page a cue at `direction`, replacing the one before (on an edge with the camera
   * piped in: the origin makes it, for the whole room).
   */
  look(direction: Direction, cueId = randomUUID() as CueId): Promise<CueId> {
    if (this.upstream) return this.upstream.look(direction);
    const viewers = this.room.viewers().filter(isPage);
    const data = { ...direction, cueId, durationMs: CUE_MS };
    for (const v of viewers) v.notify({ event: 'lookHere', data });
    this.cue = {
      progress: {
        room: this.room.id,
        ...direction,
        cueId,
        seen: 0,
        of: viewers.length,
        endsAt: Date.now() + CUE_MS,
      },
      to: new Set(viewers.map((v) => v.id)),
      seen: new Set(),
    };
    this.updateCue(this.cue);
    return Promise.resolve(cueId);
  }

  /**
   * On an edge node: the origin's cue for these viewers here. Who looks at it is told `upstream` (once each);
   * it is counted there.
   */
  relayLook(viewers: Peer[], data: LookHereData, upstream: (viewer: PeerId, cueId: CueId) => void): void {
    const pages = viewers.filter((v) => isPage(v) && v.source !== 'origin');
    for (const v of pages) v.notify({ event: 'lookHere', data });
    this.cue = {
      progress: {
        room: this.room.id,
        ...data,
        seen: 0,
        of: pages.length,
        endsAt: Date.now() + data.durationMs,
      },
      to: new Set(pages.map((v) => v.id)),
      seen: new Set(),
      upstream,
    };
  }

  /** A viewer has looked at the cue. Again, or late: counted once. */
  cueSeen(viewer: Peer, cueId: CueId): void {
    const cue = this.cue;
    if (cue?.progress.cueId !== cueId || !cue.to.has(viewer.id))
      throw new ServiceError('not_found', 'no such cue (a newer one replaced it, or it was not sent to you)');
    if (cue.seen.has(viewer.id)) return;
    cue.seen.add(viewer.id);
    if (cue.upstream) cue.upstream(viewer.id, cueId);
    else this.updateCue(cue);
  }

  close(): void {
    clearTimeout(this.timer);
    this.watchers.clear();
    this.fresh.clear();
  }

  private updateCue(cue: Cue): void {
    cue.progress = { ...cue.progress, seen: cue.seen.size, of: cue.to.size };
    const event = { event: 'cue', data: cue.progress } as const;
    this.room.camera?.notify(event);
    if (!this.upstream) for (const w of this.watchers) w(event);
  }

  /** At once when nothing was sent for `flushMs` (a turn shows without delay), else when that has passed. */
  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.flushMs - performance.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = performance.now();
    const room = this.room.id;
    const changes: GazeEntry[] = [...this.changed].map((peerId) => ({
      peerId,
      gaze: this.gazes.get(peerId) ?? null,
    }));
    this.changed.clear();
    let whole: GazeEntry[] | undefined;
    const all = () => (whole ??= [...this.gazes].map(([peerId, gaze]) => ({ peerId, gaze })));
    const send = (to: Notify, full: boolean) => {
      if (full) to({ event: 'gaze', data: { room, full, viewers: all() } });
      else if (changes.length > 0) to({ event: 'gaze', data: { room, full, viewers: changes } });
      if (full && this.cue) to({ event: 'cue', data: this.cue.progress });
    };
    const camera = this.room.camera;
    if (camera) {
      send((e) => camera.notify(e), this.cameraInformed !== camera.id);
      this.cameraInformed = camera.id;
    }
    const upstream = this.upstream;
    if (!upstream) for (const w of this.watchers) send(w, this.fresh.has(w));
    else if (this.fresh.size > 0) {
      const { gaze, cue } = upstream.whole();
      for (const w of this.fresh) {
        w({ event: 'gaze', data: gaze });
        if (cue) w({ event: 'cue', data: cue });
      }
    }
    this.fresh.clear();
  }
}
