// Classroom mode's server: HTTPS on the one port, and a plain http:// request to that same port is
// redirected to its https:// twin instead of failing in the TLS handshake. The first byte tells them apart:
// a TLS connection starts with a handshake record (0x16); HTTP starts with a method name in ASCII.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';

const tlsHandshake = 0x16;
/** A connection must send its first byte within this time. */
const firstByteTimeoutMs = 10_000;

export interface HttpsServerOptions {
  key: string;
  cert: string;
  /** Where a plain request goes: its https:// URL, from the request's own Host and path. */
  redirectTarget(host: string | undefined, url: string): string | undefined;
}

export function createHttpsServer(opts: HttpsServerOptions, handler: http.RequestListener): https.Server {
  const server = https.createServer({ key: opts.key, cert: opts.cert }, handler);
  const plain = http.createServer((req, res) => {
    const location = opts.redirectTarget(req.headers.host, req.url ?? '/');
    if (!location) {
      res.writeHead(421, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'forbidden', message: 'unknown host; use https://' } }));
      return;
    }
    res.writeHead(308, { location, 'content-length': '0', connection: 'close' });
    res.end();
  });
  // The TLS server's own connection handling, kept to be called for TLS connections only.
  const tlsListeners = server.listeners('connection') as ((socket: net.Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: net.Socket) => {
    // Until TLS or HTTP takes the socket over, it is ours: a reset must not become an unhandled 'error'
    // (that would end the process), and a connection that never says anything is closed.
    socket.on('error', () => socket.destroy());
    socket.setTimeout(firstByteTimeoutMs, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      // Put the byte back: the TLS socket (or the HTTP parser) reads what is buffered first.
      socket.unshift(first);
      if (first[0] === tlsHandshake) for (const listener of tlsListeners) listener.call(server, socket);
      else plain.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  server.on('close', () => plain.close());
  return server;
}
