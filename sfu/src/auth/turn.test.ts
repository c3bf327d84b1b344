import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor, turnCredentials } from './turn.js';

describe('TURN REST credentials', () => {
  it('follows coturn’s use-auth-secret scheme', () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    const { username, credential } = turnCredentials('s3cret-s3cret-s3cret', 'peer-1', 3600, now);
    expect(username).toBe(`${now / 1000 + 3600}:peer-1`);
    expect(credential).toBe(createHmac('sha1', 's3cret-s3cret-s3cret').update(username).digest('base64'));
  });

  it('lists STUN, TURN/UDP, TURN/TCP and TURNS as configured', () => {
    const turn = {
      secret: 'x'.repeat(16),
      host: 'turn.example.org',
      udpPort: 3478,
      tlsPort: 443,
      credentialTtlS: 60,
    };
    const all = iceServersFor({ ...turn, transports: ['udp', 'tcp', 'tls'] }, 'p');
    expect(all[0]).toEqual({ urls: ['stun:turn.example.org:3478'] });
    expect(all[1]?.urls).toEqual([
      'turn:turn.example.org:3478?transport=udp',
      'turn:turn.example.org:3478?transport=tcp',
      'turns:turn.example.org:443?transport=tcp',
    ]);
    expect(all[1]?.username).toMatch(/^\d+:p$/);
    const tlsOnly = iceServersFor({ ...turn, transports: ['tls'] }, 'p');
    expect(tlsOnly).toHaveLength(1);
    expect(tlsOnly[0]?.urls).toEqual(['turns:turn.example.org:443?transport=tcp']);
  });
});
