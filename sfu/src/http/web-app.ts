// Serves the built web app, so the embedded default is one process. Client-side routes (/camera/x,
// /watch/x) fall back to index.html; hashed assets are cached forever, index.html never.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export const webAppRoutes: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'web app not built (npm run build -w web); serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    setHeaders: (res, file) => {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const isPage =
      req.method === 'GET' && !req.url.startsWith('/ws') && !path.extname(req.url.split('?')[0] ?? '');
    if (isPage) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.code(404).send({ error: 'not found' });
  });
};
