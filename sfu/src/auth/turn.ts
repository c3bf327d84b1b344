// Short-lived TURN credentials in coturn's REST scheme (use-auth-secret): the username is
// "<expiry unix time>:<peer id>" and the password the base64 HMAC-SHA1 of it under the shared secret.
// coturn checks both without a database; nothing long-lived ever reaches a browser.
import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol/index.js';

export function turnCredentials(secret: string, peerId: string, ttlS: number, now = Date.now()) {
  const username = `${Math.floor(now / 1000) + ttlS}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export interface TurnOptions {
  /** Shared with coturn (use-auth-secret). */
  secret: string;
  /** The address browsers reach coturn at. */
  host: string;
  udpPort: number;
  tlsPort: number;
  transports: ('udp' | 'tcp' | 'tls')[];
  credentialTtlS: number;
}

/** STUN, TURN over UDP and TCP, and TURNS over TLS, as configured. */
export function iceServersFor(turn: TurnOptions, peerId: string, now = Date.now()): IceServer[] {
  const { username, credential } = turnCredentials(turn.secret, peerId, turn.credentialTtlS, now);
  const urls: string[] = [];
  if (turn.transports.includes('udp')) urls.push(`turn:${turn.host}:${turn.udpPort}?transport=udp`);
  if (turn.transports.includes('tcp')) urls.push(`turn:${turn.host}:${turn.udpPort}?transport=tcp`);
  if (turn.transports.includes('tls')) urls.push(`turns:${turn.host}:${turn.tlsPort}?transport=tcp`);
  const servers: IceServer[] = [];
  if (turn.transports.includes('udp')) servers.push({ urls: [`stun:${turn.host}:${turn.udpPort}`] });
  servers.push({ urls, username, credential });
  return servers;
}
