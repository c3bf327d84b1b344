// The camera side's picture of the class: every sharing viewer's gaze as the server relays it, the current
// "look here" cue with how many have looked, and the last minute's heat map. Fed by the `gaze` and `cue`
// events (the camera page's own connection, or an operator's); read by the overlay, which redraws on change.
import type { CueProgress, EventData, Gaze, PeerId } from '@inclubit/sfu/protocol';
import { HeatMap } from './heat-map';

/** How often the heat map takes a sample of where everyone looks. */
export const HEAT_SAMPLE_MS = 1000;

export class RoomGazes {
  readonly gazes = new Map<PeerId, Gaze>();
  /** Names the server sent with the gazes (viewers the page's own lists may not have: other nodes'). */
  readonly names = new Map<PeerId, string>();
  readonly heat = new HeatMap();
  cue: CueProgress | undefined;
  private readonly listeners = new Set<() => void>();

  apply({ full, viewers, names }: EventData<'gaze'>): void {
    if (full) {
      this.gazes.clear();
      this.names.clear();
    }
    for (const { peerId, gaze } of viewers) {
      if (gaze) this.gazes.set(peerId, gaze);
      else this.gazes.delete(peerId);
      const name = names?.[peerId];
      if (name !== undefined) this.names.set(peerId, name);
    }
    this.changed();
  }

  setCue(cue: CueProgress): void {
    this.cue = cue;
    this.changed();
  }

  /** A viewer's name: from the page's own list, else as the server sent it. */
  nameOf(peerId: PeerId, known: ReadonlyMap<PeerId, string>): string | undefined {
    return known.get(peerId) ?? this.names.get(peerId);
  }

  /** A sample of where everyone looks; nothing to redraw while nobody shares and the last minute is empty. */
  sampleHeat(now: number): void {
    if (this.gazes.size === 0 && this.heat.max() === 0) return;
    this.heat.add(this.gazes.values(), now);
    this.changed();
  }

  /** Samples the heat map every HEAT_SAMPLE_MS until the returned function is called. */
  startSampling(): () => void {
    const timer = setInterval(() => this.sampleHeat(Date.now()), HEAT_SAMPLE_MS);
    return () => clearInterval(timer);
  }

  /** Everything forgotten (the broadcast or the watch ended). */
  clear(): void {
    this.gazes.clear();
    this.names.clear();
    this.heat.clear();
    this.cue = undefined;
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
