// Synthetic viewers that only look around: each joins the room over its own signaling connection (no media)
// and reports a gaze that wanders as a pupil turning its head does, as often as a viewer page may (always
// moving: the worst case). The
// presence benchmark puts a class of them on one page to see what a class's gaze costs the service and the
// camera page.
import { GAZE_REPORT_MS, type Gaze, type RoomId } from '@inclubit/sfu/protocol';
import { SignalingClient } from '../lib/signaling';

export class SyntheticGazers {
  private readonly clients: SignalingClient[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private sent = 0;

  constructor(private readonly room: RoomId) {}

  /** `count` more gazers, joined one after another; resolves with how many there are. */
  async add(count: number): Promise<number> {
    for (let i = 0; i < count; i++) {
      const client = await SignalingClient.connect();
      const n = this.clients.length + 1;
      await client.request('join', { room: this.room, role: 'viewer', displayName: `gazer ${n}` });
      this.clients.push(client);
    }
    return this.clients.length;
  }

  /** Every gazer reports every GAZE_REPORT_MS, each wandering on its own. */
  start(): void {
    const started = performance.now();
    this.timer ??= setInterval(() => {
      const t = (performance.now() - started) / 1000;
      this.clients.forEach((client, i) => {
        const gaze: Gaze = {
          yaw: -180 + ((((i * 137.5 + 40 * Math.sin(t / 2 + i)) % 360) + 360) % 360),
          pitch: 15 * Math.sin(t / 3 + i * 0.7),
          hfov: 100,
          vfov: 70,
        };
        if (client.notify('reportGaze', { gaze })) this.sent++;
      });
    }, GAZE_REPORT_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    for (const c of this.clients.splice(0)) c.close();
  }

  totals(): { gazers: number; sent: number; refused: number } {
    const refused = this.clients.reduce((n, c) => n + c.refusals, 0);
    return { gazers: this.clients.length, sent: this.sent, refused };
  }
}
