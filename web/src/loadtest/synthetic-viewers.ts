// Synthetic viewers: real viewer connections (signaling, WebRTC transport, consumers) that render nothing.
// One page can hold dozens, so an IT person can load a server before class, and the benchmark can make a
// class join at once or come and go for minutes.
import type { RoomId } from '@inclubit/sfu/protocol';
import { ViewerConnection, type ViewerPhase } from '../viewer/viewer-connection';

export interface SyntheticViewer {
  id: number;
  phase: ViewerPhase;
  /** performance.now() when started, when the server answered the join, and when video arrived. */
  startedAt: number;
  joinedAt?: number;
  liveAt?: number;
}

export class SyntheticViewers {
  private readonly viewers = new Map<number, { info: SyntheticViewer; connection: ViewerConnection }>();
  private next = 1;
  /** Every viewer ever added, and how many of them received video (for churn: did visits work?). */
  private added = 0;
  private wentLive = 0;

  constructor(
    private readonly room: RoomId,
    private readonly onChange: () => void,
  ) {}

  add(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = this.next++;
      const info: SyntheticViewer = { id, phase: 'connecting', startedAt: performance.now() };
      const connection = new ViewerConnection(
        this.room,
        (state) => {
          info.phase = state.phase;
          if (state.phase !== 'connecting' && info.joinedAt === undefined) info.joinedAt = performance.now();
          if (state.phase === 'live' && info.liveAt === undefined) {
            info.liveAt = performance.now();
            this.wentLive++;
          }
          this.onChange();
        },
        { displayName: `load test ${id}`, onVoice: () => undefined },
      );
      this.viewers.set(id, { info, connection });
      this.added++;
      connection.start();
    }
    this.onChange();
  }

  /** Removes the oldest `count` viewers (they leave as a closed tab does). */
  remove(count: number): void {
    for (const [id, v] of [...this.viewers].slice(0, count)) {
      v.connection.stop();
      this.viewers.delete(id);
    }
    this.onChange();
  }

  totals(): { added: number; wentLive: number } {
    return { added: this.added, wentLive: this.wentLive };
  }

  list(): SyntheticViewer[] {
    return [...this.viewers.values()].map((v) => ({ ...v.info }));
  }
}
