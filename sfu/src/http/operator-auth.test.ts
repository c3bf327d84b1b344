// Operator login, logout and link creation over real HTTP (inject), hostile cases included.
import { beforeAll, describe, expect, it } from 'vitest';
import { HttpErrorBody, IssuedToken, JoinLinks, TokenInfo, type RoomId } from '../protocol/index.js';
import { hashPassword } from '../auth/password.js';
import { stagePerTest } from '../test-support/stage.js';

const PASSWORD = 'correct horse battery staple';
const env: Record<string, string> = {
  TOKEN_SECRET: 'another-test-secret-long-enough-0123456789',
  ROOM_ACCESS: 'protected',
};
// The hash is made once, before the first service starts.
beforeAll(async () => {
  env.OPERATOR_PASSWORD_HASH = await hashPassword(PASSWORD);
});
const stage = stagePerTest(env);

const post = (url: string, body: unknown, token?: string) =>
  stage.service.app.inject({
    method: 'POST',
    url,
    payload: body as Record<string, unknown>,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
const login = async (password = PASSWORD) => post('/api/login', { password });

describe('operator API', () => {
  it('logs in with the password, and refuses a wrong one', async () => {
    const wrong = await login('guess');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'wrong password' } });
    const ok = await login();
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ token: string; expiresAt: number }>().expiresAt).toBeGreaterThan(Date.now());
  });

  it('rate-limits login attempts', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await login('guess')).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
    expect((await login()).json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('refuses operator endpoints without the operator role, with typed errors', async () => {
    expect((await post('/api/links', { room: 'r1' })).json()).toMatchObject({
      error: { code: 'unauthorized' },
    });
    const viewer = await stage.service.tokens.issue({ role: 'viewer', room: 'r1' as RoomId }, 60);
    const asViewer = await post('/api/links', { room: 'r1' }, viewer.token);
    expect(asViewer.statusCode).toBe(403);
    expect(asViewer.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(stage.service.rooms.list()).toEqual([]);
  });

  it('creates join links whose tokens open exactly that room', async () => {
    const { token } = IssuedToken.parse((await login()).json());
    const res = await post('/api/links', { room: 'biology-2' }, token);
    expect(res.statusCode).toBe(200);
    const links = JoinLinks.parse(res.json());
    const viewerToken = new URL(links.viewer).searchParams.get('t')!;
    expect(new URL(links.viewer).pathname).toBe('/watch/biology-2');
    const viewer = await stage.connect({ token: viewerToken });
    expect(await viewer.expectError('join', { room: 'biology-2', role: 'viewer' })).toBeUndefined();
    await viewer.close();
    const cameraToken = new URL(links.camera).searchParams.get('t')!;
    // An encoder gets the same camera token, and the room's WHIP and WHEP URLs on the same origin.
    expect(links.cameraToken).toBe(cameraToken);
    expect(new URL(links.whip).pathname).toBe('/whip/biology-2');
    expect(new URL(links.whep).pathname).toBe('/whep/biology-2');
    expect(new URL(links.whip).origin).toBe(new URL(links.camera).origin);
    expect(
      TokenInfo.parse((await stage.service.app.inject(`/api/token?token=${cameraToken}`)).json()),
    ).toMatchObject({
      role: 'camera',
      room: 'biology-2',
    });
    // Pages ask with the token in a header instead (never in a URL).
    const byHeader = await stage.service.app.inject({
      url: '/api/token',
      headers: { authorization: `Bearer ${cameraToken}` },
    });
    expect(TokenInfo.parse(byHeader.json()).role).toBe('camera');
  });

  it('logout revokes the operator token', async () => {
    const { token } = IssuedToken.parse((await login()).json());
    expect((await post('/api/links', { room: 'r2' }, token)).statusCode).toBe(200);
    expect((await post('/api/logout', {}, token)).statusCode).toBe(204);
    const after = await post('/api/links', { room: 'r2' }, token);
    expect(after.statusCode).toBe(401);
    expect(HttpErrorBody.parse(after.json())).toEqual({
      error: { code: 'unauthorized', message: 'token revoked' },
    });
  });
});
