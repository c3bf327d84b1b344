// The classroom certificate: made once, reused, made again when the LAN address changes, always signed by the
// same local CA and naming exactly the addresses served (checked with Node's own X.509 parser).
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanCertificate } from './certificate.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-cert-'));
const leaf = (pem: string) => new X509Certificate(pem.split(/(?<=-----END CERTIFICATE-----)/)[0]!);

describe('lanCertificate', () => {
  it('makes a CA and a server certificate for the addresses, signed by that CA', async () => {
    const dir = tmp();
    const made = await lanCertificate(dir, ['192.168.1.20', 'localhost', '127.0.0.1']);
    expect(made.status).toBe('created');
    const server = leaf(made.cert);
    const ca = new X509Certificate(made.caCert);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('192.168.1.21')).toBeUndefined();
    // Browsers refuse server certificates valid for more than 398 days.
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(398);
    expect(made.caFingerprint).toBe(ca.fingerprint256);
    // Keys are not readable by other users.
    expect(fs.statSync(path.join(dir, 'server.key')).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dir, 'ca.key')).mode & 0o077).toBe(0);
  });

  it('reuses both at the next start with the same addresses', async () => {
    const dir = tmp();
    const first = await lanCertificate(dir, ['10.0.0.7', 'localhost']);
    const second = await lanCertificate(dir, ['10.0.0.7', 'localhost']);
    expect(second.status).toBe('reused');
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
  });

  it('makes a new server certificate (same CA) when the LAN address changed, and says what it was', async () => {
    const dir = tmp();
    const first = await lanCertificate(dir, ['10.0.0.7', 'localhost']);
    const moved = await lanCertificate(dir, ['10.0.0.9', 'localhost']);
    expect(moved.status).toBe('renewed');
    expect(moved.previousNames).toEqual(['10.0.0.7', 'localhost']);
    expect(moved.caCert).toBe(first.caCert);
    const server = leaf(moved.cert);
    expect(server.checkIP('10.0.0.9')).toBe('10.0.0.9');
    expect(server.checkIP('10.0.0.7')).toBeUndefined();
    expect(server.checkIssued(new X509Certificate(first.caCert))).toBe(true);
  });

  it('renews a server certificate close to its end', async () => {
    const dir = tmp();
    await lanCertificate(dir, ['10.0.0.7']);
    const later = new Date(Date.now() + 380 * 86_400_000);
    const renewed = await lanCertificate(dir, ['10.0.0.7'], later);
    expect(renewed.status).toBe('renewed');
    expect(renewed.previousNames).toBeUndefined();
  });
});
