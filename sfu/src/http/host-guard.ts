// Every request — pages, API, health and the WebSocket upgrade — is checked against the names the service
// is served under before anything else runs (see allowed-hosts.ts). Refused with 421 and the usual error body.
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { hostnameOf, type AllowedHosts } from './allowed-hosts.js';

const plugin: FastifyPluginAsync<{ hosts: AllowedHosts }> = async (app, { hosts }) => {
  app.addHook('onRequest', async (req, reply) => {
    const hostname = hostnameOf(req.headers.host);
    if (hosts.allows(hostname)) return;
    req.log.warn({ host: req.headers.host }, 'request for a host this service does not serve');
    return reply.code(421).send({
      error: {
        code: 'forbidden',
        message: `this service is not served as ${hostname ?? '(no Host)'}; add the name to ALLOWED_HOSTS or PUBLIC_URL`,
      },
    });
  });
};

// Not encapsulated: the hook guards every route registered after it.
export const hostGuard = fp(plugin, { name: 'host-guard' });
