// The security headers of every response the service sends: the one definition. Caddy (compose) proxies
// pages and API to the service and adds only what needs its HTTPS name (Strict-Transport-Security), so the
// embedded default, classroom mode and the deployment send the same policy.
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Exactly what the app uses: its own scripts, styles and workers; images from data:/blob: (QR codes);
 * signaling and API on this origin (wss included). Nothing inline, nothing from elsewhere. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaderValues: Readonly<Record<string, string>> = {
  'content-security-policy': contentSecurityPolicy,
  'permissions-policy':
    'camera=(self), microphone=(self), xr-spatial-tracking=(self), fullscreen=(self), autoplay=(self)',
  // Camera, viewer and dashboard links carry their token in ?t=; never send it to another site.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The policy when pages may also reach `origins` (the other nodes of a cluster, where a page goes on when
 * its node dies or is full): their pages' origins and their WebSocket equivalents join 'self' in connect-src.
 */
export function policyConnectingTo(origins: string[]): string {
  if (!origins.length) return contentSecurityPolicy;
  const sources = origins.flatMap((o) => [o, o.replace(/^http/, 'ws')]);
  return contentSecurityPolicy.replace("connect-src 'self'", `connect-src 'self' ${sources.join(' ')}`);
}

export interface SecurityHeadersOptions {
  /** Other origins pages may connect to (a cluster's nodes), asked at each response. */
  connectTo?: () => string[];
}

const plugin: FastifyPluginAsync<SecurityHeadersOptions> = async (app, { connectTo }) => {
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(securityHeaderValues);
    const others = connectTo?.() ?? [];
    if (others.length) reply.header('content-security-policy', policyConnectingTo(others));
  });
};

export const securityHeaders = fp(plugin, { name: 'security-headers' });
