// The WHEP resource over real HTTP (inject) and real mediasoup: a Chromium player's recvonly offer against a
// room whose camera publishes over WHIP; the answer speaks the player's payload types; bad requests.
// Media to a real player: e2e/tests/whip-whep-browser.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as sdpTransform from 'sdp-transform';
import type { RoomId } from '../protocol/index.js';
import { stagePerTest } from '../test-support/stage.js';

const fixture = (name: string) =>
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', name), 'utf8');
const cameraOffer = fixture('gstreamer-h264-opus.sdp');
const playerOffer = fixture('chromium-recvonly.sdp');
const ROOM = 'whep-room' as RoomId;
const stage = stagePerTest({
  TOKEN_SECRET: 'whep-unit-test-secret-0123456789abcdefghij',
  ROOM_ACCESS: 'protected',
});

const token = async (role: 'camera' | 'viewer') =>
  (await stage.service.tokens.issue({ role, room: ROOM }, 600)).token;

const post = async (kind: 'whip' | 'whep', body: string, bearer?: string) =>
  stage.service.app.inject({
    method: 'POST',
    url: `/${kind}/${ROOM}`,
    headers: { 'content-type': 'application/sdp', ...(bearer && { authorization: `Bearer ${bearer}` }) },
    payload: body,
  });

/** A WHIP camera with VP8 (what Chromium plays): the GStreamer offer with its codec changed. */
const vp8Camera = cameraOffer
  .replace('a=rtpmap:96 H264/90000', 'a=rtpmap:96 VP8/90000')
  .replace(/^a=fmtp:96 .*\r\n/m, '');

describe('POST /whep/<room>', () => {
  it("plays the camera in the player's own payload types, send-only, with the server's SSRCs", async () => {
    expect((await post('whip', vp8Camera, await token('camera'))).statusCode).toBe(201);
    const res = await post('whep', playerOffer, await token('viewer'));
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toMatch(new RegExp(`^/whep/${ROOM}/[\\w-]{24}$`));
    const offer = sdpTransform.parse(playerOffer);
    const answer = sdpTransform.parse(res.body);
    expect(answer.media.map((m) => [m.type, String(m.mid), m.direction])).toEqual([
      ['video', '0', 'sendonly'],
      ['audio', '1', 'sendonly'],
    ]);
    for (const [i, media] of answer.media.entries()) {
      const [codec] = media.rtp;
      // The same payload type the player gave this codec in its offer.
      const offered = offer.media[i]?.rtp.find((r) => r.codec.toLowerCase() === codec?.codec.toLowerCase());
      expect(codec?.payload).toBe(offered?.payload);
      expect(media.ssrcs?.some((s) => s.attribute === 'cname')).toBe(true);
    }
    expect(answer.media.map((m) => m.rtp[0]?.codec)).toEqual(['VP8', 'opus']);
    // The room counts the player as a viewer.
    expect(
      stage.service.rooms
        .get(ROOM)
        ?.viewers()
        .map((v) => v.device),
    ).toEqual([expect.stringMatching(/^WHEP · /)]);
  });

  it('ends the playback when the camera leaves, and frees the player its router', async () => {
    const camera = await post('whip', vp8Camera, await token('camera'));
    const play = await post('whep', playerOffer, await token('viewer'));
    expect(play.statusCode).toBe(201);
    const routers = async () => {
      const dump = (await stage.service.pool.all()[0]!.worker.dump()) as { routerIds: string[] };
      return dump.routerIds.length;
    };
    expect(await routers()).toBe(2); // the room's, and the player's own
    await stage.service.app.inject({ method: 'DELETE', url: camera.headers.location as string });
    await expect.poll(() => stage.service.rooms.get(ROOM)?.viewers().length ?? 0).toBe(0);
    // The player's router went with it; the room, empty now, closed its own.
    await expect.poll(routers).toBe(0);
    expect(
      (await stage.service.app.inject({ method: 'DELETE', url: play.headers.location as string })).statusCode,
    ).toBe(404);
  });

  it('refuses a room without a live camera (404), a protected room without a viewer token (401)', async () => {
    const none = await post('whep', playerOffer, await token('viewer'));
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ error: { code: 'not_found', message: `room ${ROOM} has no live camera` } });
    await post('whip', vp8Camera, await token('camera'));
    expect((await post('whep', playerOffer)).statusCode).toBe(401);
    expect((await post('whep', playerOffer, 'nonsense')).statusCode).toBe(401);
  });

  it('refuses a send-only offer (400) and a player without the camera codecs (422)', async () => {
    await post('whip', vp8Camera, await token('camera'));
    const viewer = await token('viewer');
    const sendonly = await post('whep', playerOffer.replace(/a=recvonly/g, 'a=sendonly'), viewer);
    expect(sendonly.statusCode).toBe(400);
    expect(sendonly.json<{ error: { message: string } }>().error.message).toContain('WHEP plays (recvonly)');
    const noVp8 = playerOffer.replace(/VP8\/90000/g, 'XYZ/90000').replace(/opus\/48000/g, 'XYZ/48000');
    const refused = await post('whep', noVp8, viewer);
    expect(refused.statusCode).toBe(422);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(
      /the camera sends video\/VP8, audio\/OPUS/,
    );
  });
});
