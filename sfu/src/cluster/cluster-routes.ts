// GET /api/cluster (operator): the cluster as this node sees it (cluster/cluster-view.ts). A node that is
// alone answers 404 `not_found` with why, so a dashboard knows to show no cluster.
import type { FastifyPluginAsync } from 'fastify';
import { ServiceError } from '../errors.js';
import type { Tokens } from '../auth/tokens.js';
import { requireOperator } from '../http/operator-auth.js';
import type { ClusterNode } from './cluster-node.js';
import { clusterView } from './cluster-view.js';

export interface ClusterRoutesOptions {
  tokens: Tokens;
  cluster: ClusterNode | undefined;
}

export const clusterRoutes: FastifyPluginAsync<ClusterRoutesOptions> = async (app, { tokens, cluster }) => {
  app.get('/api/cluster', async (req) => {
    await requireOperator(tokens, req);
    if (!cluster)
      throw new ServiceError('not_found', 'this server is not part of a cluster (CLUSTER_REDIS_URL)');
    return clusterView(cluster);
  });
};
