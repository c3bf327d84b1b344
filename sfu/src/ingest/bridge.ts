// One live ingest's ffmpeg, supervised: started with the feed on its stdin, its stderr in the service's log
// (with the room id the logger carries), restarted when it dies while the source still sends (a fresh start
// from the feed's next keyframe, on tracks `prepare` made anew: a new ffmpeg's RTP starts at a random
// sequence number and timestamp, which receivers take as a new stream, not as the old one jumping), stopped —
// and always reaped — when the ingest ends. If it keeps dying
// (MAX_RESTARTS within RESTART_WINDOW_MS) the ingest is told to give up, with ffmpeg's last words.
import { spawn, type ChildProcess } from 'node:child_process';
import type { FastifyBaseLogger } from 'fastify';
import type { StreamFeed } from './stream-feed.js';
import { followStderr } from '../observe/child-output.js';

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const STDERR_LINES_PER_RUN = 40;
/** ffmpeg this far behind its input is stuck: it is restarted rather than buffered for. */
const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;

export interface BridgeOptions {
  feed: StreamFeed;
  /** Readies the tracks for a new ffmpeg and returns its arguments (bridge-command.ts); before each start. */
  prepare: () => Promise<string[]>;
  ffmpeg: string;
  log: FastifyBaseLogger;
  /** The bridge gave up (kept crashing); the ingest should end. */
  onGiveUp: (reason: string) => void;
}

export class Bridge {
  private child: ChildProcess | undefined;
  private stopped = false;
  private readonly starts: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  /** How many times ffmpeg was restarted after dying. */
  restarts = 0;

  constructor(private readonly opts: BridgeOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.starts.push(now);
    while (this.starts.length > 0 && this.starts[0]! < now - RESTART_WINDOW_MS) this.starts.shift();
    this.opts.prepare().then(
      (args) => this.spawn(args),
      (error: unknown) => {
        if (this.stopped) return;
        this.stopped = true;
        this.opts.onGiveUp(`the bridge's tracks could not be made: ${(error as Error).message}`);
      },
    );
  }

  private spawn(args: string[]): void {
    if (this.stopped) return;
    const { log, feed } = this.opts;
    const child = spawn(this.opts.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.child = child;
    log.info({ pid: child.pid, command: `ffmpeg ${args.join(' ')}` }, 'ingest bridge started');
    const output = followStderr(child.stderr, {
      log,
      pid: child.pid,
      message: 'ingest bridge says',
      maxLogged: STDERR_LINES_PER_RUN,
    });
    // A dead ffmpeg's stdin errors (EPIPE); its exit is what counts.
    child.stdin.on('error', () => {});
    feed.attach((bytes) => {
      if (child.stdin.writableLength > MAX_BACKLOG_BYTES) {
        log.warn({ pid: child.pid }, 'ingest bridge stopped reading its input; restarting it');
        child.kill('SIGKILL');
        return;
      }
      child.stdin.write(bytes);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Not there, or not runnable: no restart can help.
      log.error({ err: error }, 'ingest bridge could not start');
      if (this.stopped || this.child !== child) return;
      this.stopped = true;
      this.child = undefined;
      feed.detach();
      this.opts.onGiveUp(
        `${this.opts.ffmpeg} cannot be started (${error.code ?? error.message}): is ffmpeg installed?`,
      );
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        feed.detach();
      }
      if (this.stopped) return;
      const said = output.lastWords();
      log.warn({ pid: child.pid, code, signal, ffmpeg: said }, 'ingest bridge exited while the source sends');
      if (this.starts.length >= MAX_RESTARTS) {
        this.stopped = true;
        this.opts.onGiveUp(
          `ffmpeg exited ${MAX_RESTARTS} times within a minute (last: ${said || signal || code})`,
        );
        return;
      }
      this.restarts++;
      const delay = Math.min(2000, 100 * 2 ** (this.starts.length - 1));
      this.restartTimer = setTimeout(() => this.start(), delay);
    });
  }

  /** Idempotent. Resolves once ffmpeg has exited (SIGTERM, then SIGKILL after a second). */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    this.opts.feed.detach();
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.stdin!.end();
      child.kill('SIGTERM');
    });
  }
}
