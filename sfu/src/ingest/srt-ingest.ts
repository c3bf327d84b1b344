// SRT ingest: srt://HOST:PORT?streamid=<room>:<key> (mode caller on the camera's side). The proxy routes each
// caller by its Stream ID; an accepted one gets its own srt-live-transmit (Debian's srt-tools) listening on
// loopback, whose output — the camera's MPEG-TS — the service reads and hands its ffmpeg bridge (copy or
// re-encode, as for RTMP). The receiver holds the SRT session: if it dies, the session is gone and the
// ingest ends (the camera calls again); the bridge behind it restarts on its own like RTMP's.
// `&projection=…&swapEyes=…` after the key says how the picture is laid out.
import { spawn, type ChildProcess } from 'node:child_process';
import type { RoomId } from '../protocol/index.js';
import { ServiceError } from '../errors.js';
import { LiveIngests, type BridgeSettings } from './live-ingests.js';
import type { PlainIngest } from './plain-ingest.js';
import { readIngestPath } from './rtmp-ingest.js';
import { Reject } from './srt/handshake.js';
import { SrtProxy, SrtRefusal, type SrtCaller } from './srt/srt-proxy.js';
import { TsFeed } from './srt/ts-feed.js';
import { freeUdpPortPair } from './udp-ports.js';

export interface SrtIngestOptions extends BridgeSettings {
  host: string;
  port: number;
  ffprobe: string;
  srtLiveTransmit: string;
}

const REFUSAL: Partial<Record<string, number>> = {
  bad_request: Reject.badRequest,
  unauthorized: Reject.unauthorized,
  camera_taken: Reject.conflict,
  room_full: Reject.unavailable,
};

/** "<room>:<key>[&projection=…&swapEyes=…]" as the RTMP path's parts. */
function readStreamId(streamId: string) {
  const [id = '', query = ''] = streamId.split(/[?&](.*)/s, 2);
  const [room = '', key = ''] = id.split(':', 2);
  return readIngestPath(`live/${room}/${key}`, new URLSearchParams(query));
}

export class SrtIngest {
  private readonly live: LiveIngests;
  private proxy: SrtProxy | undefined;

  private constructor(private readonly opts: SrtIngestOptions) {
    this.live = new LiveIngests('srt', opts);
  }

  static async start(opts: SrtIngestOptions): Promise<SrtIngest> {
    const ingest = new SrtIngest(opts);
    ingest.proxy = await SrtProxy.listen({
      host: opts.host,
      port: opts.port,
      log: opts.log,
      onConnect: (caller) => ingest.connect(caller),
    });
    return ingest;
  }

  get port(): number {
    return this.proxy!.port;
  }

  of(room: RoomId): PlainIngest | undefined {
    return this.live.of(room);
  }

  async close(): Promise<void> {
    this.live.endAll('server shutting down');
    await this.proxy?.close();
  }

  /** The port of the call's own receiver, or an SrtRefusal with the reason's code. */
  private async connect(caller: SrtCaller): Promise<number> {
    const port = await freeUdpPortPair();
    const feed = new TsFeed(this.opts.ffprobe);
    let receiver: ChildProcess | undefined;
    try {
      const ingest = await this.live.start({
        remote: caller.remote,
        target: () => readStreamId(caller.streamId),
        feed,
        disconnect: () => {
          receiver?.kill('SIGKILL');
          caller.close();
        },
      });
      receiver = this.receive(port, feed, ingest);
      return port;
    } catch (error) {
      const code = error instanceof ServiceError ? REFUSAL[error.code] : undefined;
      throw new SrtRefusal(code ?? Reject.unavailable, (error as Error).message);
    }
  }

  /** The SRT session's end: srt-live-transmit listening on `port`, its output into the feed. */
  private receive(port: number, feed: TsFeed, ingest: PlainIngest): ChildProcess {
    const log = ingest.log;
    const args = ['-a:no', '-ll:error', `srt://127.0.0.1:${port}?mode=listener`, 'file://con'];
    const child = spawn(this.opts.srtLiveTransmit, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    log.info({ pid: child.pid, port }, 'SRT receiver started');
    child.stdout.on('data', (chunk: Buffer) => feed.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim()))
        log.warn({ pid: child.pid, srt: line.trim() }, 'SRT receiver says');
    });
    child.once('error', (error) =>
      ingest.end(`${this.opts.srtLiveTransmit} cannot be started: ${error.message}`),
    );
    child.once('exit', (code, signal) =>
      ingest.end(`the SRT session ended (receiver exit ${code ?? signal})`),
    );
    return child;
  }
}
