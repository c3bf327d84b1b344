// The WHIP resource over real HTTP (inject) and real mediasoup: create, trickle, ICE restart, delete, the ICE
// timeout, tokens, the room's one source, TURN as Link headers, CORS. Media from a real client: e2e/tests/whip.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as sdpTransform from 'sdp-transform';
import type { RoomId } from '../protocol/index.js';
import { stagePerTest } from '../test-support/stage.js';

const offer = fs.readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'gstreamer-h264-opus.sdp'),
  'utf8',
);
const ROOM = 'whip-room' as RoomId;
const stage = stagePerTest({
  TOKEN_SECRET: 'whip-unit-test-secret-0123456789abcdefghij',
  TURN_SECRET: 'turn-secret-for-whip-tests',
  TURN_HOST: 'turn.example.org',
  TURN_TRANSPORTS: 'udp,tls',
});

const cameraToken = async (room: string = ROOM) =>
  (await stage.service.tokens.issue({ role: 'camera', room: room as RoomId }, 600)).token;

async function publish(opts: { token?: string; query?: string; body?: string } = {}) {
  const token = opts.token ?? (await cameraToken());
  return stage.service.app.inject({
    method: 'POST',
    url: `/whip/${ROOM}${opts.query ?? ''}`,
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    payload: opts.body ?? offer,
  });
}

const patch = (url: string, body: string, headers: Record<string, string> = {}) =>
  stage.service.app.inject({
    method: 'PATCH',
    url,
    headers: { 'content-type': 'application/trickle-ice-sdpfrag', ...headers },
    payload: body,
  });

const room = () => stage.service.rooms.get(ROOM);

describe('POST /whip/<room>', () => {
  it('creates the session: 201, the SDP answer, Location, ETag, and TURN as Link headers', async () => {
    const res = await publish({ query: '?projection=stereo-360-tb' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toBe('application/sdp');
    expect(res.headers.location).toMatch(new RegExp(`^/whip/${ROOM}/[\\w-]{24}$`));
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(res.headers['accept-patch']).toBe('application/trickle-ice-sdpfrag');
    expect(res.headers['access-control-expose-headers']).toContain('Location');
    const answer = sdpTransform.parse(res.body);
    expect(answer.icelite).toBe('ice-lite');
    expect(answer.media.map((m) => m.mid)).toEqual(['video0', 'audio1']);
    const links = [res.headers.link].flat();
    expect(links).toHaveLength(3); // STUN, TURN over UDP, TURNS
    expect(links[0]).toBe('<stun:turn.example.org:3478>; rel="ice-server"');
    expect(links[1]).toMatch(
      /^<turn:turn\.example\.org:3478\?transport=udp>; rel="ice-server"; username="\d+:whip-[\w-]+"; credential="[^"]+"; credential-type="password"$/,
    );
    // The room's camera is the WHIP session, with the projection the URL named.
    const camera = room()?.camera;
    expect(camera?.source).toBe('whip');
    expect(camera?.listProducers().map((p) => p.kind)).toEqual(['video', 'audio']);
    expect(room()?.stream).toEqual({ projection: 'stereo-360-tb', swapEyes: false });
  });

  it('refuses a second source while one is live (409), and takes one again after DELETE', async () => {
    const first = await publish();
    const second = await publish();
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({
      error: { code: 'camera_taken', message: `room ${ROOM} already has a camera (whip)` },
    });
    const del = await stage.service.app.inject({ method: 'DELETE', url: first.headers.location as string });
    expect(del.statusCode).toBe(200);
    expect(room()?.camera).toBeUndefined();
    expect(
      (await stage.service.app.inject({ method: 'DELETE', url: first.headers.location as string }))
        .statusCode,
    ).toBe(404);
    expect((await publish()).statusCode).toBe(201);
  });

  it('wants a camera token for this room', async () => {
    const none = await stage.service.app.inject({
      method: 'POST',
      url: `/whip/${ROOM}`,
      headers: { 'content-type': 'application/sdp' },
      payload: offer,
    });
    expect(none.statusCode).toBe(401);
    expect((await publish({ token: 'garbage' })).statusCode).toBe(401);
    const expired = await stage.service.tokens.issue({ role: 'camera', room: ROOM }, -10);
    expect((await publish({ token: expired.token })).json()).toEqual({
      error: { code: 'unauthorized', message: 'token expired' },
    });
    expect((await publish({ token: await cameraToken('other-room') })).statusCode).toBe(403);
    const viewer = await stage.service.tokens.issue({ role: 'viewer', room: ROOM }, 600);
    expect((await publish({ token: viewer.token })).statusCode).toBe(403);
    expect(room()?.camera).toBeUndefined();
  });

  it('names a bad room code or projection (400) and a wrong content type (415)', async () => {
    const bad = await stage.service.app.inject({
      method: 'POST',
      url: '/whip/Not_A_Room',
      headers: { 'content-type': 'application/sdp' },
      payload: offer,
    });
    expect(bad.statusCode).toBe(400);
    expect((await publish({ query: '?projection=cube' })).statusCode).toBe(400);
    const json = await stage.service.app.inject({
      method: 'POST',
      url: `/whip/${ROOM}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await cameraToken()}` },
      payload: { sdp: offer },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json<{ error: { code: string } }>().error.code).toBe('unsupported_media_type');
  });
});

describe('the session resource', () => {
  it('answers trickled candidates with 204 and an ICE restart with 200, new credentials and a new ETag', async () => {
    const created = await publish();
    const url = created.headers.location as string;
    const etag = created.headers.etag as string;
    const trickle = await patch(
      url,
      'a=ice-ufrag:y7IZcLFfVPUpITtk/DHODHEN+6CMEwup\r\na=ice-pwd:KJzB5cWOVapOG5Dsb5Pb2LdqUGM59x5U\r\n' +
        'm=audio 9 RTP/AVP 0\r\na=mid:video0\r\na=candidate:1 1 UDP 2015363327 127.0.0.1 50000 typ host\r\n',
      { 'if-match': etag },
    );
    expect(trickle.statusCode).toBe(204);

    const before = sdpTransform.parse(created.body).media[0]?.iceUfrag;
    const restart = await patch(url, 'a=ice-ufrag:newufrag\r\na=ice-pwd:newpasswordnewpasswordnew\r\n', {
      'if-match': '*',
    });
    expect(restart.statusCode).toBe(200);
    expect(restart.headers['content-type']).toBe('application/trickle-ice-sdpfrag');
    expect(restart.headers.etag).not.toBe(etag);
    const frag = sdpTransform.parse(restart.body);
    expect(frag.icelite).toBe('ice-lite');
    expect(frag.iceUfrag).toBeDefined();
    expect(frag.iceUfrag).not.toBe(before);
    expect(frag.media[0]?.candidates?.[0]).toMatchObject({ ip: '127.0.0.1', type: 'host' });
    // The mediasoup transport has the credentials the fragment gave.
    const transport = room()?.camera?.transportFor('send');
    expect(transport?.iceParameters.usernameFragment).toBe(frag.iceUfrag);
    // The old ETag is stale now.
    const stale = await patch(url, 'a=ice-ufrag:newufrag\r\na=ice-pwd:newpasswordnewpasswordnew\r\n', {
      'if-match': etag,
    });
    expect(stale.statusCode).toBe(412);
  });

  it('is unknown under another room or a made-up id (404)', async () => {
    const created = await publish();
    const id = (created.headers.location as string).split('/').pop();
    expect(
      (await stage.service.app.inject({ method: 'DELETE', url: `/whip/other-room/${id}` })).statusCode,
    ).toBe(404);
    expect((await patch(`/whip/${ROOM}/made-up-session-id`, 'a=ice-ufrag:x\r\n')).statusCode).toBe(404);
    expect(room()?.camera?.source).toBe('whip');
  });

  it('ends by itself when ICE never connects, and the room is free again', async () => {
    await stage.restart({ INGEST_ICE_TIMEOUT_MS: '300' });
    const created = await publish();
    expect(created.statusCode).toBe(201);
    await expect.poll(() => room()?.camera, { timeout: 3000 }).toBeUndefined();
    expect(
      (await stage.service.app.inject({ method: 'DELETE', url: created.headers.location as string }))
        .statusCode,
    ).toBe(404);
  });

  it('ends when an operator removes the camera', async () => {
    const created = await publish();
    const r = room()!;
    r.kick(r.camera!.id, 'test');
    expect(r.camera).toBeUndefined();
    expect(
      (await stage.service.app.inject({ method: 'DELETE', url: created.headers.location as string }))
        .statusCode,
    ).toBe(404);
  });

  it('answers a browser preflight with CORS headers', async () => {
    for (const url of [`/whip/${ROOM}`, `/whip/${ROOM}/some-session`]) {
      const res = await stage.service.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: 'https://player.example', 'access-control-request-method': 'POST' },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-headers']).toContain('Authorization');
    }
  });
});
