// Limits on the signaling edge: each is answered with a typed error, then the connection is closed.
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../protocol/index.js';
import { CloseCode } from '../protocol/index.js';
import { stagePerTest } from '../test-support/stage.js';
import { UpgradeRefused } from '../test-support/ws-client.js';

const room = 'limits' as RoomId;
// Each test starts the service with the limit it tries (stage.restart).
const stage = stagePerTest();
const start = (env: Record<string, string> = {}) => stage.restart(env);
const connect = (headers: Record<string, string> = {}) => stage.connect({ headers });

describe('signaling limits', () => {
  it('refuses a foreign Origin at the upgrade, allows its own and configured ones', async () => {
    const s = await start();
    const host = new URL(s.httpUrl).host;
    const refused = await connect({ origin: 'https://evil.example' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpgradeRefused);
    expect((refused as UpgradeRefused).status).toBe(403);
    expect(JSON.parse((refused as UpgradeRefused).body)).toMatchObject({ error: { code: 'forbidden' } });
    await connect({ origin: `http://${host}` });
    await start({ ALLOWED_ORIGINS: 'https://school.example, https://other.example' });
    await connect({ origin: 'https://other.example' });
    await expect(connect({ origin: `http://${host}` })).rejects.toBeInstanceOf(UpgradeRefused);
  });

  it('answers an oversize message with too_large, then closes', async () => {
    await start({ WS_MAX_MESSAGE_BYTES: '2048' });
    const c = await connect();
    const closed = c.closed();
    c.sendRaw(JSON.stringify({ type: 'request', id: 1, method: 'join', data: { pad: 'x'.repeat(4000) } }));
    expect((await c.nextOrphanError()).code).toBe('too_large');
    expect(await closed).toBe(CloseCode.tooLarge);
  });

  it('answers a flood with rate_limited, then closes; a normal pace is fine', async () => {
    await start({ WS_RATE_PER_SECOND: '10', WS_RATE_BURST: '20' });
    const calm = await connect();
    for (let i = 0; i < 15; i++) expect(await calm.expectError('nope', {})).toBe('unknown_method');
    const flood = await connect();
    const closed = flood.closed();
    for (let i = 0; i < 100; i++) flood.sendRaw('{}');
    await expect.poll(() => flood.orphanErrors.some((e) => e.code === 'rate_limited')).toBe(true);
    expect(await closed).toBe(CloseCode.rateLimited);
    expect(calm.isOpen).toBe(true);
  });

  it('a peer whose connection was closed for flooding leaves at once: no resume for it', async () => {
    const s = await start({ WS_RATE_PER_SECOND: '10', WS_RATE_BURST: '20', RESUME_GRACE_MS: '60000' });
    const flood = await connect();
    await flood.request('join', { room: room, role: 'viewer' });
    const closed = flood.closed();
    for (let i = 0; i < 100; i++) flood.sendRaw('{}');
    expect(await closed).toBe(CloseCode.rateLimited);
    await expect.poll(() => s.rooms.get(room)?.peerCount ?? 0).toBe(0);
  });

  it('closes a connection that never joins, with join_timeout', async () => {
    await start({ JOIN_TIMEOUT_MS: '300' });
    const idle = await connect();
    const joined = await connect();
    await joined.request('join', { room, role: 'viewer' });
    expect(await idle.closed()).toBe(CloseCode.joinTimeout);
    expect(idle.orphanErrors.map((e) => e.code)).toEqual(['join_timeout']);
    await new Promise((r) => setTimeout(r, 200));
    expect(joined.isOpen).toBe(true);
  });

  it('keeps an operator connection that watches the rooms (the dashboard) past the join timeout', async () => {
    await start({ JOIN_TIMEOUT_MS: '300', TOKEN_SECRET: 'limits-test-secret-long-enough-0123456789' });
    const dashboard = await stage.connect({ grant: { role: 'operator' } });
    await dashboard.request('watchRooms', {});
    const idleOperator = await stage.connect({ grant: { role: 'operator' } });
    expect(await idleOperator.closed()).toBe(CloseCode.joinTimeout);
    expect(dashboard.isOpen).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(dashboard.isOpen).toBe(true);
  });

  it('refuses viewers beyond the room cap with room_full', async () => {
    const s = await start({ ROOM_MAX_VIEWERS: '2' });
    for (let i = 0; i < 2; i++) await (await connect()).request('join', { room, role: 'viewer' });
    const third = await connect();
    expect(await third.expectError('join', { room, role: 'viewer' })).toBe('room_full');
    expect(await third.expectError('join', { room: 'another' as RoomId, role: 'viewer' })).toBeUndefined();
    expect(s.rooms.get(room)?.peerCount).toBe(2);
  });
});
