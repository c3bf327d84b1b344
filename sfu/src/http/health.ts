// Health for load balancers and compose: 200 while every mediasoup worker runs, 503 otherwise.
import type { FastifyPluginAsync } from 'fastify';
import type { WorkerPool } from '../media/worker-pool.js';

export const healthRoutes: FastifyPluginAsync<{ pool: WorkerPool }> = async (app, { pool }) => {
  app.get('/healthz', async (_req, reply) => {
    const healthy = pool.healthy;
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'unhealthy', workers: pool.size });
  });
};
