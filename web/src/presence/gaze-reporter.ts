// A viewer page's gaze reports: at most one every GAZE_REPORT_MS (the first of a turn at once), only when
// the view moved enough to show on the teacher's screen, and one `null` when sharing stops. What was sent
// last is forgotten on every (re)join, so a new server-side peer hears where this page looks at once.
// The view is looked at in every frame the scene draws (a turn goes out in the frame that shows it) and on
// a timer (the end of a turn held back by the gap, when no frame follows).
import { GAZE_REPORT_MS, type Gaze } from '@inclubit/sfu/protocol';
import { angleBetween } from './gaze-math';

/** Smaller moves than these are not worth a report (a dot moves less than a pixel on the camera page). */
const MIN_TURN_DEGREES = 0.5;
const MIN_FOV_CHANGE_DEGREES = 1;

/** How often the view is looked at between frames. */
const SAMPLE_MS = 50;

export class GazeReporter {
  /** What the server was last told (undefined: nothing since the last join), and when. */
  private sent: Gaze | null | undefined;
  private sentAt = -Infinity;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sharing = true;

  constructor(
    /** The view now (read, not kept: the reporter copies what it sends); undefined while none is shown. */
    private readonly sample: () => Readonly<Gaze> | undefined,
    private readonly send: (gaze: Gaze | null) => void,
    /** Reports are at least this far apart. */
    private readonly minGapMs = GAZE_REPORT_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  setSharing(on: boolean): void {
    this.sharing = on;
    this.tick();
  }

  /** A new server-side peer (join, or resume on a new connection): it is told afresh. */
  rejoined(): void {
    this.sent = undefined;
  }

  tick(): void {
    if (!this.sharing) {
      if (this.sent !== null) this.send(null);
      this.sent = null;
      return;
    }
    const gaze = this.sample();
    if (!gaze || (this.sent && !moved(this.sent, gaze))) return;
    if (this.sent && this.now() - this.sentAt < this.minGapMs) return; // the next tick after the gap
    const copy = { ...gaze };
    this.send(copy);
    this.sent = copy;
    this.sentAt = this.now();
  }
}

function moved(a: Gaze, b: Gaze): boolean {
  return (
    angleBetween(a, b) >= MIN_TURN_DEGREES ||
    Math.abs(a.hfov - b.hfov) >= MIN_FOV_CHANGE_DEGREES ||
    Math.abs(a.vfov - b.vfov) >= MIN_FOV_CHANGE_DEGREES
  );
}

/**
 * Reports where the page looks through `send` while sharing is on, following the pupil's choice, looking at
 * the view after every frame `frames` announces. Returns the reporter (tell it `rejoined()` on every new
 * server-side peer) and the function that stops it.
 */
export function startGazeReports(
  sample: () => Readonly<Gaze> | undefined,
  send: (gaze: Gaze | null) => void,
  sharing: { now: () => boolean; subscribe: (on: (sharing: boolean) => void) => () => void },
  frames: (listener: () => void) => () => void,
): { reporter: GazeReporter; stop: () => void } {
  const reporter = new GazeReporter(sample, send);
  reporter.setSharing(sharing.now());
  const unsubscribe = sharing.subscribe((on) => reporter.setSharing(on));
  const unframe = frames(() => reporter.tick());
  reporter.start();
  return {
    reporter,
    stop: () => {
      reporter.stop();
      unsubscribe();
      unframe();
    },
  };
}
