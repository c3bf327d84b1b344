// /healthz, /readyz and /metrics against the live state of a real stage.service.
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { liveCamera, stagePerTest, watchingViewer } from '../test-support/stage.js';

const stage = stagePerTest();

/** Value of one sample in Prometheus text format, e.g. metric('inclubit_peers{role="viewer"}'). */
async function metric(sample: string): Promise<number | undefined> {
  const text = (await stage.service.app.inject('/metrics')).body;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe('health and metrics', () => {
  it('counts rooms, peers by role, producers, consumers and errors as they are', async () => {
    const room = 'metrics' as RoomId;
    const camera = await stage.connect();
    await liveCamera(camera, room, { audio: false });
    const viewers = await Promise.all([1, 2].map(() => stage.connect()));
    for (const v of viewers) await watchingViewer(v, room);
    await viewers[0]!.expectError('nope', {});
    expect(await metric('inclubit_rooms')).toBe(1);
    expect(await metric('inclubit_peers{role="camera"}')).toBe(1);
    expect(await metric('inclubit_peers{role="viewer"}')).toBe(2);
    expect(await metric('inclubit_producers')).toBe(1);
    expect(await metric('inclubit_consumers')).toBe(2);
    expect(await metric('inclubit_signaling_errors_total{code="unknown_method"}')).toBe(1);
    expect(await metric('inclubit_worker_max_rss_bytes{worker="0"}')).toBeGreaterThan(1e6);

    await viewers[1]!.close();
    await expect.poll(() => metric('inclubit_peers{role="viewer"}')).toBe(1);
    expect(await metric('inclubit_consumers')).toBe(1);
    await Promise.all([camera.close(), viewers[0]!.close()]);
    await expect.poll(() => metric('inclubit_rooms')).toBe(0);
  });

  it('/healthz and /readyz are 503 while a dead worker has no replacement, 200 again after', async () => {
    expect((await stage.service.app.inject('/readyz')).statusCode).toBe(200);
    const during = new Promise<number[]>((resolve) =>
      stage.service.pool.once('died', () => {
        // Answered before the replacement can exist: spawning it takes a process start.
        void Promise.all([stage.service.app.inject('/healthz'), stage.service.app.inject('/readyz')]).then(
          (r) => resolve(r.map((x) => x.statusCode)),
        );
      }),
    );
    const replaced = new Promise<void>((resolve) => stage.service.pool.once('respawned', () => resolve()));
    process.kill(stage.service.pool.pick().worker.pid, 'SIGKILL');
    expect(await during).toEqual([503, 503]);
    await replaced;
    expect((await stage.service.app.inject('/healthz')).statusCode).toBe(200);
    expect((await stage.service.app.inject('/readyz')).statusCode).toBe(200);
  });
});
