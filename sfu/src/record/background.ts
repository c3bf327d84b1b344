// The recorder's processes — ffmpeg writing a segment, then finishing the file — are background work: on a
// busy machine they give way to the live room (the worker, the service, an ingest bridge, a camera on the same
// host). Copying needs little CPU on average; what it must not do is take it in bursts from the live stream
// (ffmpeg's start alone is a tenth of a second of CPU). The RtpGate keeps a slow start from costing the file
// anything, and the kernel's receive queue absorbs a short wait.
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';

/** Niceness of the recorder's processes (0 is the service's; 19 the lowest priority). */
export const BACKGROUND_NICENESS = 10;

export function asBackground(child: ChildProcess): void {
  if (child.pid === undefined) return; // it did not start; its 'error' says why
  try {
    os.setPriority(child.pid, BACKGROUND_NICENESS);
  } catch {
    // It has already exited (its 'exit' tells), or the host forbids it: the work runs at normal priority.
  }
}
