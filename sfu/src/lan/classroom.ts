// Classroom mode (`npm start -- --lan`): what the service needs beyond the embedded default to serve headsets
// on the school's network — a certificate for the LAN addresses, an HTTPS server on the one port (plain
// http:// redirected), and a token secret kept across restarts. No proxy, no domain, no compose.
import path from 'node:path';
import type { FastifyServerFactory } from 'fastify';
import { storedSecret } from '../auth/stored-secret.js';
import { hostnameOf } from '../http/allowed-hosts.js';
import { lanCertificate, type LanCertificate } from './certificate.js';
import { createHttpsServer } from './https-server.js';

export interface Classroom {
  addresses: string[];
  certificate: LanCertificate;
  tokenSecret: string;
  serverFactory: FastifyServerFactory;
}

export async function prepareClassroom(opts: {
  addresses: string[];
  dataDir: string;
  tokenSecret: string | undefined;
  /** May a request naming this host be served (and redirected to https://)? */
  hostAllowed: (hostname: string) => boolean;
}): Promise<Classroom> {
  const names = [...opts.addresses, 'localhost', '127.0.0.1'];
  const certificate = await lanCertificate(path.join(opts.dataDir, 'tls'), names);
  const tokenSecret = opts.tokenSecret ?? (await storedSecret(opts.dataDir, 'token-secret'));
  const serverFactory: FastifyServerFactory = (handler) =>
    createHttpsServer(
      {
        key: certificate.key,
        cert: certificate.cert,
        redirectTarget: (host, url) => {
          // A malformed Host is refused like an unknown one (never thrown: this runs per request).
          const hostname = hostnameOf(host);
          return hostname && opts.hostAllowed(hostname) ? `https://${host}${url}` : undefined;
        },
      },
      handler,
    );
  return { addresses: opts.addresses, certificate, tokenSecret, serverFactory };
}
