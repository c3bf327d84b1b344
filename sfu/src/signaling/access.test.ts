// Tokens at the edge, hostile cases: every refusal is typed, and none of them changes the server's state.
import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { RoomId } from '../protocol/index.js';
import { Tokens } from '../auth/tokens.js';
import { stagePerTest } from '../test-support/stage.js';
import { UpgradeRefused, type TestClient } from '../test-support/ws-client.js';
import { cameraVideo } from '../test-support/media.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const room = 'class-7a' as RoomId;
const stage = stagePerTest({ TOKEN_SECRET: SECRET, ROOM_ACCESS: 'protected' });
const tokens = new Tokens(SECRET);
const connect = (token?: string): Promise<TestClient> => stage.connect({ ...(token && { token }) });
const refusal = async (token: string) => {
  const error = await connect(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpgradeRefused);
  const { status, body } = error as UpgradeRefused;
  return { status, ...(JSON.parse(body) as { error: { code: string; message: string } }) };
};
const routers = async () =>
  ((await stage.service.pool.pick().worker.dump()) as unknown as { routerIds: string[] }).routerIds;

describe('tokens', () => {
  it('refuses a forged signature at the upgrade', async () => {
    const forged = await new SignJWT({ role: 'camera', room })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('inclubit-360')
      .setExpirationTime('1h')
      .setJti('x')
      .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
    expect(await refusal(forged)).toMatchObject({
      status: 401,
      error: { code: 'unauthorized', message: 'invalid token' },
    });
  });

  it('refuses an expired token at the upgrade', async () => {
    const { token } = await tokens.issue({ role: 'viewer', room }, -10);
    expect(await refusal(token)).toMatchObject({
      status: 401,
      error: { code: 'unauthorized', message: 'token expired' },
    });
  });

  it('refuses "alg: none" and garbage', async () => {
    const header = Buffer.from('{"alg":"none"}').toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ role: 'operator', iss: 'inclubit-360', exp: 9e9, jti: 'j' }),
    ).toString('base64url');
    expect((await refusal(`${header}.${payload}.`)).error.code).toBe('unauthorized');
    expect((await refusal('garbage')).error.code).toBe('unauthorized');
  });

  it('a viewer token for another room cannot watch this one; none for a protected room cannot either', async () => {
    const other = await tokens.issue({ role: 'viewer', room: 'other-room' as RoomId }, 60);
    expect(await (await connect(other.token)).expectError('join', { room, role: 'viewer' })).toBe(
      'forbidden',
    );
    expect(await (await connect()).expectError('join', { room, role: 'viewer' })).toBe('unauthorized');
    const mine = await tokens.issue({ role: 'viewer', room }, 60);
    expect(await (await connect(mine.token)).expectError('join', { room, role: 'viewer' })).toBeUndefined();
  });

  it('a viewer cannot publish a picture: neither as camera nor through a send transport', async () => {
    const { token } = await tokens.issue({ role: 'viewer', room }, 60);
    const viewer = await connect(token);
    expect(await viewer.expectError('join', { room, role: 'camera' })).toBe('forbidden');
    await viewer.request('join', { room, role: 'viewer' });
    expect(
      await viewer.expectError('produce', { transportId: 'x', kind: 'video', rtpParameters: cameraVideo }),
    ).toBe('forbidden');
    expect(stage.service.rooms.get(room)?.camera).toBeUndefined();
  });

  it('a camera token cannot publish in another room; without a token nobody is the camera', async () => {
    const { token } = await tokens.issue({ role: 'camera', room }, 60);
    expect(
      await (await connect(token)).expectError('join', { room: 'elsewhere' as RoomId, role: 'camera' }),
    ).toBe('forbidden');
    expect(await (await connect()).expectError('join', { room, role: 'camera' })).toBe('unauthorized');
    // Nothing was created by any of the refusals.
    expect(await routers()).toEqual([]);
    expect(stage.service.rooms.list()).toEqual([]);
    expect(await (await connect(token)).expectError('join', { room, role: 'camera' })).toBeUndefined();
  });
});
