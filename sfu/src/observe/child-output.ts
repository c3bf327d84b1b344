// A child process's stderr (ffmpeg's), line by line: the first lines go to the service's log (with the room
// and peer ids its logger carries), the last few are kept to say why it died.
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';

export interface ChildOutput {
  /** The last lines it printed, joined: its last words. */
  lastWords(): string;
}

export function followStderr(
  stderr: Readable,
  opts: { log: FastifyBaseLogger; pid: number | undefined; message: string; maxLogged: number },
): ChildOutput {
  const last: string[] = [];
  let logged = 0;
  let partial = '';
  stderr.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
      last.push(line);
      if (last.length > 5) last.shift();
      if (logged++ < opts.maxLogged) opts.log.warn({ pid: opts.pid, ffmpeg: line }, opts.message);
    }
  });
  return { lastWords: () => last.join(' | ') };
}
