// Classroom mode's one port: TLS and plain HTTP told apart by the first byte. Misbehaving connections (a
// reset before any byte, a malformed Host, silence) are dealt with one by one; the server keeps serving.
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanCertificate } from './certificate.js';
import { createHttpsServer } from './https-server.js';

let server: https.Server;
let port: number;
let ca: string;

beforeAll(async () => {
  const cert = await lanCertificate(fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-tls-')), ['127.0.0.1']);
  ca = cert.caCert;
  server = createHttpsServer(
    {
      key: cert.key,
      cert: cert.cert,
      redirectTarget: (host, url) => (host?.startsWith('127.0.0.1') ? `https://${host}${url}` : undefined),
    },
    (_req, res) => res.end('secure'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const raw = (text: string) =>
  new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(text));
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString()));
    s.on('end', () => resolve(answer));
    s.on('error', reject);
  });

const secure = () =>
  new Promise<string>((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: '/', ca }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

describe('one port for https:// and http://', () => {
  it('serves TLS, and redirects a plain request for a known host with its path', async () => {
    expect(await secure()).toBe('secure');
    const answer = await raw(`GET /watch/demo?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 308 /);
    expect(answer).toContain(`location: https://127.0.0.1:${port}/watch/demo?x=1`);
  });

  it('refuses an unknown or malformed Host, and survives resets before the first byte', async () => {
    expect(await raw('GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n')).toMatch(/^HTTP\/1\.1 421 /);
    expect(await raw('GET / HTTP/1.1\r\nHost: a b\r\n\r\n')).toMatch(/^HTTP\/1\.1 4\d\d /);
    for (let i = 0; i < 5; i++) {
      const s = net.connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => s.once('connect', () => resolve()));
      s.resetAndDestroy();
    }
    expect(await secure()).toBe('secure');
  });
});
