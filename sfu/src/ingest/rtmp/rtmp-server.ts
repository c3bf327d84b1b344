// The RTMP listener (default port 1935): accepts encoders' connections and hands each publication to
// `onPublish`, which checks its stream key and says where its media goes. A connection that has not started
// publishing within the setup timeout is closed, so idle sockets cannot pile up.
import net from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { RtmpConnection, type PublishRequest, type PublishSink } from './rtmp-connection.js';

export interface RtmpServerOptions {
  host: string;
  port: number;
  log: FastifyBaseLogger;
  onPublish: (req: PublishRequest) => Promise<PublishSink>;
  /** At most this many connections at once (each a camera or an attempt). */
  maxConnections?: number;
  setupTimeoutMs?: number;
}

export class RtmpServer {
  private readonly server: net.Server;
  private readonly connections = new Set<RtmpConnection>();

  private constructor(private readonly opts: RtmpServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = opts.maxConnections ?? 64;
  }

  static async listen(opts: RtmpServerOptions): Promise<RtmpServer> {
    const rtmp = new RtmpServer(opts);
    await new Promise<void>((resolve, reject) => {
      rtmp.server.once('error', reject);
      rtmp.server.listen(opts.port, opts.host, () => {
        rtmp.server.off('error', reject);
        resolve();
      });
    });
    opts.log.info({ host: opts.host, port: rtmp.port }, 'RTMP ingest listening');
    return rtmp;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.opts.port;
  }

  private accept(socket: net.Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const log = this.opts.log.child({ rtmp: remote });
    let published = false;
    const timer = setTimeout(() => {
      if (published) return;
      log.info('RTMP connection did not publish in time; closing it');
      connection.close('setup timeout');
    }, this.opts.setupTimeoutMs ?? 10_000);
    const connection = new RtmpConnection({
      socket,
      onPublish: async (req) => {
        const sink = await this.opts.onPublish(req);
        published = true;
        clearTimeout(timer);
        return sink;
      },
      onError: (message) => log.warn(`RTMP: ${message}`),
    });
    this.connections.add(connection);
    socket.once('close', () => {
      clearTimeout(timer);
      this.connections.delete(connection);
    });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.close('server shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
