// Serves the built web app, so the embedded default is one process. Client-side routes (/camera/x,
// /watch/x) fall back to index.html; hashed assets are cached forever, index.html never.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface WebAppOptions {
  dir: string;
  /** Classroom mode's local CA certificate (PEM), offered at /ca.crt for devices to trust. */
  caCert?: string | undefined;
}

export const webAppRoutes: FastifyPluginAsync<WebAppOptions> = async (app, { dir, caCert }) => {
  if (caCert) {
    app.get('/ca.crt', async (_req, reply) =>
      reply
        .type('application/x-x509-ca-cert')
        .header('content-disposition', 'attachment; filename="inclubit360-ca.crt"')
        .send(caCert),
    );
  }
  const built = fs.existsSync(path.join(dir, 'index.html'));
  if (!built) app.log.warn({ dir }, 'web app not built (npm run build -w web); serving the API only');
  else
    await app.register(fastifyStatic, {
      root: dir,
      // Its own default (public, max-age=0) would override ours.
      cacheControl: false,
      setHeaders: (res, file) => {
        const immutable = file.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  app.setNotFoundHandler((req, reply) => {
    const pathname = req.url.split('?')[0] ?? '';
    const isPage = req.method === 'GET' && !isApiPath(pathname) && !path.extname(pathname);
    // @fastify/static would set its own max-age=0; a page is revalidated like index.html itself.
    if (built && isPage)
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    return reply.code(404).send({ error: { code: 'not_found', message: `no such path: ${pathname}` } });
  });
};

/** Paths of the service itself (never the web app's pages): an unknown one is a 404, not index.html. */
function isApiPath(pathname: string): boolean {
  return ['/api', '/ws', '/healthz', '/readyz', '/metrics'].some(
    (p) => pathname === p || pathname.startsWith(`${p}/`),
  );
}
