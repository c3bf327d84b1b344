// Whether a camera's picture has stopped arriving while the camera is still there: an encoder that froze, a
// camera page whose tab hangs, a network that went quiet. The bytes mediasoup has received for the video
// track are read a few times a second (one small request to the worker); the picture is stalled once they
// have not grown for `stallMs` after having flowed, and flows again as soon as they grow. (mediasoup's own
// inactivity check, a score of 0, runs only for simulcast tracks of several streams.)
import type { types } from 'mediasoup';

export interface StallWatchOptions {
  /** How often the received bytes are read. */
  intervalMs: number;
  /** No new bytes for this long after having flowed: stalled. */
  stallMs: number;
}

export class StallWatch {
  private bytes = 0;
  private grewAt = 0;
  private stalledNow = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly readBytes: () => Promise<number>,
    private readonly onChange: (stalled: boolean) => void,
    private readonly opts: StallWatchOptions,
  ) {
    this.timer = setInterval(() => void this.check().catch(() => undefined), opts.intervalMs);
  }

  /** Watches a producer until it closes. */
  static of(
    producer: types.Producer,
    opts: StallWatchOptions,
    onChange: (stalled: boolean) => void,
  ): StallWatch {
    const watch = new StallWatch(
      async () => (await producer.getStats()).reduce((sum, s) => sum + s.byteCount, 0),
      onChange,
      opts,
    );
    producer.observer.once('close', () => watch.close());
    return watch;
  }

  get stalled(): boolean {
    return this.stalledNow;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const bytes = await this.readBytes();
    const now = Date.now();
    if (bytes > this.bytes) {
      this.bytes = bytes;
      this.grewAt = now;
    }
    const stalled = this.grewAt > 0 && now - this.grewAt >= this.opts.stallMs;
    if (stalled === this.stalledNow) return;
    this.stalledNow = stalled;
    this.onChange(stalled);
  }
}
