// What a running recording costs the server (issue 21): one node of the service, the synthetic H264 camera
// arriving on plain RTP at each size and bitrate, the worker's CPU measured without a recording and then
// with one (the recorder's plain-transport consumer is one more stream out of the worker), the recorder's own
// ffmpeg (copying, no re-encoding) and the service's process (its RtpGate passes the packets on); then how
// long the file takes to be made 360 (mkvpropedit, the MP4 copy) after the stop, and the bitrate it was
// written at.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RoomId } from '../../src/protocol/index.js';
import { startTestService } from '../../src/test-support/service.js';
import { until } from '../../src/test-support/until.js';
import { PacedH264Sender, readFrames, type SourceSpec } from './h264-source.js';
import { cpuWindow } from './measure.js';
import { plainCamera } from './plain-camera.js';

const ROOM = 'bench-recording' as RoomId;

export interface RecordingCostSettings {
  /** Each camera to measure with: its clip (ensureClip) and what it is. */
  cameras: { clip: string; source: SourceSpec }[];
  settleMs: number;
  measureMs: number;
}

export interface RecordingCost {
  width: number;
  height: number;
  bitrateMbps: number;
  /** The worker's CPU (cores) forwarding the camera with no viewer, then while the recording runs. */
  workerCpuAlone: number;
  workerCpuRecording: number;
  /** The recorder's ffmpeg (cores). */
  recorderCpu: number;
  /** The service's own process (cores), without then with the recording: the gate passing its packets on.
   * The bench's camera sends from this process too, the same in both windows. */
  serviceCpuAlone: number;
  serviceCpuRecording: number;
  /** What the recorder wrote, Mbit/s (the camera's bitrate plus the container's few bytes). */
  writtenMbps: number;
  /** From the stop until the file has its 360 metadata and its MP4 copy. */
  finishSeconds: number;
}

export async function measureRecordingCost(
  settings: RecordingCostSettings,
  onCost: (cost: RecordingCost) => void,
): Promise<RecordingCost[]> {
  const costs: RecordingCost[] = [];
  for (const { clip, source } of settings.cameras) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inclubit-bench-recordings-'));
    const service = await startTestService({ CAMERA_STALL_MS: '0', RECORDINGS_DIR: dir });
    let sender: PacedH264Sender | undefined;
    try {
      const camera = await plainCamera(service, ROOM, 0x5eed);
      sender = new PacedH264Sender({
        frames: readFrames(clip),
        fps: source.fps,
        payloadType: camera.payloadType,
        ssrc: 0x5eed,
        toffsetId: camera.toffsetId,
        pacingBps: source.bitrateBps * 2.5,
        target: { ip: '127.0.0.1', port: camera.port },
      });
      await sender.start();
      const workerPid = service.pool.all()[0]!.worker.pid;
      await sleep(settings.settleMs);
      const alone = cpuWindow([workerPid, process.pid], [0]);
      await sleep(settings.measureMs);
      const [workerCpuAlone, serviceCpuAlone] = alone.end().cpuPerWorker as [number, number];

      const info = await service.recorders.start(ROOM);
      const recorder = await until('the recorder writing', () => service.recorders.recordingOf(ROOM)?.pid);
      await sleep(settings.settleMs);
      const recording = cpuWindow([workerPid, recorder, process.pid], [0]);
      await sleep(settings.measureMs);
      const [workerCpuRecording, recorderCpu, serviceCpuRecording] = recording.end().cpuPerWorker as [
        number,
        number,
        number,
      ];

      const stoppedAt = performance.now();
      await service.recorders.stop(ROOM);
      const done = await until(
        'the MP4 copy',
        async () => {
          const r = (await service.recorders.library.list()).find((x) => x.id === info.id);
          return r?.segments[0]?.mp4 ? r : undefined;
        },
        { ms: 120_000, everyMs: 50 },
      );
      const finishSeconds = (performance.now() - stoppedAt) / 1000;
      const segment = done.segments[0]!;
      const bytes = statSync(path.join(dir, done.id, segment.file)).size;
      const seconds = ((segment.endedAt ?? Date.now()) - segment.startedAt) / 1000;
      const cost: RecordingCost = {
        width: source.width,
        height: source.height,
        bitrateMbps: source.bitrateBps / 1e6,
        workerCpuAlone,
        workerCpuRecording,
        recorderCpu,
        serviceCpuAlone,
        serviceCpuRecording,
        writtenMbps: (bytes * 8) / seconds / 1e6,
        finishSeconds,
      };
      onCost(cost);
      costs.push(cost);
    } finally {
      sender?.stop();
      await service.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return costs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
