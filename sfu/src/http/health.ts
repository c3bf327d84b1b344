// Health for load balancers and compose, and Prometheus metrics.
//   /healthz  200 while the process and every mediasoup worker run
//   /readyz   200 when every worker also answers a request (alive and accepting rooms)
//   /metrics  Prometheus text format
import type { FastifyPluginAsync } from 'fastify';
import type { WorkerPool } from '../media/worker-pool.js';
import type { Metrics } from '../observe/metrics.js';

export const healthRoutes: FastifyPluginAsync<{ pool: WorkerPool; metrics: Metrics }> = async (
  app,
  { pool, metrics },
) => {
  app.get('/healthz', async (_req, reply) => {
    const healthy = pool.healthy;
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unhealthy', workers: pool.size });
  });
  app.get('/readyz', async (_req, reply) => {
    const ready = await pool.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', workers: pool.size });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
