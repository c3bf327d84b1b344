// The outside attack suite's HTTP findings, each against the real service: unknown API paths, bad bodies,
// over-long headers, foreign Host names (DNS rebinding), security headers, and tokens kept out of the log.
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { startTestService, type TestService } from '../test-support/service.js';
import { TestClient, UpgradeRefused } from '../test-support/ws-client.js';
import { securityHeaderValues } from './security-headers.js';

const PASSWORD = 'correct horse battery staple';
let service: TestService | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await service?.app.close();
  service = undefined;
});

interface LogLine {
  level: number;
  msg?: string;
}
/** The service with its log captured (debug level: everything it would ever write). */
async function start(env: Record<string, string> = {}) {
  const stream = new PassThrough();
  const raw: string[] = [];
  stream.on('data', (chunk: Buffer) => raw.push(chunk.toString()));
  service = await startTestService(
    { LOG_LEVEL: 'debug', OPERATOR_PASSWORD: PASSWORD, ...env },
    { logStream: stream },
  );
  const lines = () =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
  return { service, text: () => raw.join(''), lines };
}

/** Sends bytes as they are (no client library fixing them up) and returns the raw answer. */
function rawHttp(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('HTTP answers', () => {
  it('answers an unknown /api path with a JSON 404, not the web app', async () => {
    const { service } = await start();
    for (const url of ['/api/nope', '/api/login/x', '/healthz/x']) {
      const res = await service.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers bad bodies with typed 4xx, and logs them as warnings, never errors', async () => {
    const { service, lines } = await start();
    const post = (payload: string, type = 'application/json') =>
      service.app.inject({ method: 'POST', url: '/api/login', payload, headers: { 'content-type': type } });
    const huge = await post(JSON.stringify({ password: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ error: { code: 'too_large' } });
    const broken = await post('{"password": ');
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: 'bad_request' } });
    const poisoned = await post('{"password":"x","__proto__":{"admin":true}}');
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json()).toMatchObject({ error: { code: 'bad_request' } });
    const wrongType = await post('password=x', 'application/x-www-form-urlencoded');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    expect(lines().filter((l) => l.level >= 50)).toEqual([]);
    expect(lines().filter((l) => l.msg === 'bad request').length).toBe(4);
  });

  it('answers an over-long header with 431 in the documented shape', async () => {
    const { service } = await start();
    const answer = await rawHttp(
      service.httpUrl,
      `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'too_large' } });
  });

  it('sends the security headers itself, on pages, API and errors', async () => {
    const { service } = await start();
    for (const url of ['/healthz', '/api/nope', '/watch/demo']) {
      const res = await service.app.inject({ method: 'GET', url });
      for (const [name, value] of Object.entries(securityHeaderValues))
        expect(res.headers[name], `${url} ${name}`).toBe(value);
    }
  });
});

describe('Host check (DNS rebinding)', () => {
  it('refuses a page or API request that names another host', async () => {
    const { service } = await start();
    const evil = await service.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { host: 'evil.example:3000' },
    });
    expect(evil.statusCode).toBe(421);
    expect(evil.json()).toMatchObject({ error: { code: 'forbidden' } });
    const own = await service.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { host: 'localhost:3000' },
    });
    expect(own.statusCode).toBe(200);
  });

  it('refuses a WebSocket upgrade from a rebound name even with a matching Origin', async () => {
    const { service } = await start();
    const port = new URL(service.httpUrl).port;
    const error = await TestClient.connect(service.wsUrl, {
      host: `rebound.example:${port}`,
      origin: `http://rebound.example:${port}`,
    }).then(
      (c) => (clients.push(c), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpgradeRefused);
    expect((error as UpgradeRefused).status).toBe(421);
    // The service's own name still works.
    clients.push(await TestClient.connect(service.wsUrl, { origin: `http://127.0.0.1:${port}` }));
  });
});

describe('tokens presented where none is needed (embedded default, open rooms)', () => {
  const roomA = 'room-a' as RoomId;
  const roomB = 'room-b' as RoomId;
  it('refuses a token for another room or role with forbidden', async () => {
    const { service } = await start();
    expect(service.config.embedded).toBe(true);
    const camera = (await service.tokens.issue({ role: 'camera', room: roomA }, 60)).token;
    const viewer = (await service.tokens.issue({ role: 'viewer', room: roomA }, 60)).token;
    const join = async (token: string | undefined, room: RoomId, role: 'camera' | 'viewer') => {
      const c = await TestClient.connect(token ? `${service.wsUrl}?token=${token}` : service.wsUrl);
      clients.push(c);
      return c.expectError('join', { room, role });
    };
    expect(await join(camera, roomB, 'camera')).toBe('forbidden');
    expect(await join(viewer, roomA, 'camera')).toBe('forbidden');
    expect(await join(viewer, roomB, 'viewer')).toBe('forbidden');
    // What they are for still works, and no token at all stays the embedded default.
    expect(await join(camera, roomA, 'camera')).toBeUndefined();
    expect(await join(viewer, roomA, 'viewer')).toBeUndefined();
    expect(await join(undefined, roomB, 'camera')).toBeUndefined();
  });
});

describe('the token as a WebSocket subprotocol (never in a URL)', () => {
  it('is read from Sec-WebSocket-Protocol, and only the protocol name is answered', async () => {
    const { service } = await start({ TOKEN_SECRET: 'subprotocol-secret-long-enough-0123456789' });
    const camera = (await service.tokens.issue({ role: 'camera', room: 'room-a' as RoomId }, 60)).token;
    const c = await TestClient.connect(service.wsUrl, {}, ['inclubit', `token.${camera}`]);
    clients.push(c);
    expect(c.socket.protocol).toBe('inclubit');
    // The camera token counts: its own room as camera, and nothing else.
    expect(await c.expectError('join', { room: 'room-b', role: 'camera' })).toBe('forbidden');
    expect(await c.expectError('join', { room: 'room-a', role: 'camera' })).toBeUndefined();
    // A forged one is refused at the upgrade, as in the URL.
    const forged = await TestClient.connect(service.wsUrl, {}, ['inclubit', `token.${camera}x`]).then(
      (c) => (clients.push(c), undefined),
      (e: unknown) => e,
    );
    expect((forged as UpgradeRefused).status).toBe(401);
  });
});

describe('the log', () => {
  it('never holds a token that was used: operator, camera or viewer, nor its signature', async () => {
    const { service, text } = await start({ TOKEN_SECRET: 'log-test-secret-long-enough-0123456789' });
    const login = await service.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { password: PASSWORD },
    });
    const operator = login.json<{ token: string }>().token;
    const links = await service.app.inject({
      method: 'POST',
      url: '/api/links',
      payload: { room: 'class-7a' },
      headers: { authorization: `Bearer ${operator}` },
    });
    const { camera, viewer } = links.json<{ camera: string; viewer: string }>();
    const token = (link: string) => new URL(link).searchParams.get('t')!;
    const used = [operator, token(camera), token(viewer)];
    for (const t of used) {
      await service.app.inject({ method: 'GET', url: `/api/token?token=${t}` });
      const c = await TestClient.connect(`${service.wsUrl}?token=${t}`);
      clients.push(c);
      await c.rawRequest('join', { room: 'class-7a', role: 'viewer' });
    }
    await service.app.inject({ method: 'GET', url: `/watch/class-7a?t=${token(viewer)}` });
    await service.app.inject({ method: 'GET', url: `/dashboard?t=${operator}` });
    const log = text();
    expect(log).toContain('[redacted]');
    for (const t of used) {
      expect(log).not.toContain(t);
      expect(log).not.toContain(t.split('.')[2]);
    }
  });
});
