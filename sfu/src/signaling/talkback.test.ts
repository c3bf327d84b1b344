// Talkback rules over real signaling and real mediasoup: who hears a viewer's voice, who may mute it, and
// what "off" refuses.
import { describe, expect, it } from 'vitest';
import type { PeerId, ProducerId, RoomId, RtpParameters } from '../protocol/index.js';
import { roomObjects } from '../test-support/service.js';
import { liveCamera, stagePerTest } from '../test-support/stage.js';
import type { TestClient } from '../test-support/ws-client.js';

const stage = stagePerTest();
const room = 'talkback' as RoomId;
const connect = () => stage.connect();

const voice = (ssrc: number): RtpParameters => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
  rtcp: { cname: `viewer-${ssrc}` },
});

/** A live camera (video only) with a receive transport for the voices. */
async function camera() {
  const c = await connect();
  await liveCamera(c, room, { audio: false });
  await c.request('createTransport', { direction: 'recv' });
  return c;
}

async function viewer(displayName: string) {
  const c = await connect();
  const joined = await c.request('join', { room, role: 'viewer', displayName });
  await c.request('createTransport', { direction: 'recv' });
  return { c, joined };
}

/** The viewer starts talking: a send transport and its voice. */
async function talk(c: TestClient, ssrc: number): Promise<ProducerId> {
  const { transportId } = await c.request('createTransport', { direction: 'send' });
  return (await c.request('produce', { transportId, kind: 'audio', rtpParameters: voice(ssrc) })).producerId;
}

const audienceOf = (c: TestClient) => {
  const last = c.events.filter((e) => e.event === 'audience').at(-1);
  return last?.event === 'audience' ? last.data.viewers : [];
};

describe('talkback', () => {
  it("the camera hears a viewer's voice and lists it by name; other viewers do not, unless the room allows it", async () => {
    const cam = await camera();
    const a = await viewer('Ada');
    const b = await viewer('Bo');
    expect(a.joined.talkback).toEqual({ mode: 'push-to-talk', viewersHearEachOther: false });

    const announced = cam.waitForEvent('producerAdded');
    const producerId = await talk(a.c, 50_000_001);
    expect((await announced).data).toEqual({
      producerId,
      kind: 'audio',
      peerId: a.joined.peerId,
      source: 'talkback',
    });
    await expect
      .poll(() => audienceOf(cam))
      .toEqual([
        { peerId: a.joined.peerId, displayName: 'Ada', talkback: 'live', producerId, sharesGaze: false },
        { peerId: b.joined.peerId, displayName: 'Bo', talkback: 'none', sharesGaze: false },
      ]);
    const caps = stage.service.rooms.get(room)!.rtpCapabilities;
    await cam.request('consume', { producerId, rtpCapabilities: caps });
    await b.c.request('setDisplayName', { displayName: 'Bob' });
    await expect.poll(() => audienceOf(cam)[1]?.displayName).toBe('Bob');

    // B was not told, and asking anyway finds nothing.
    expect(b.c.events.some((e) => e.event === 'producerAdded')).toBe(false);
    expect(await b.c.expectError('consume', { producerId, rtpCapabilities: caps })).toBe('not_found');

    // The room lets viewers hear each other: B is told and may consume; taken back, B's consumer closes.
    const toB = b.c.waitForEvent('producerAdded');
    await cam.request('setTalkback', { mode: 'open', viewersHearEachOther: true });
    expect((await toB).data.producerId).toBe(producerId);
    // The camera, which hears it already, is not told again (it would receive Ada twice).
    expect(cam.events.filter((e) => e.event === 'producerAdded')).toHaveLength(1);
    const { consumerId } = await b.c.request('consume', { producerId, rtpCapabilities: caps });
    const closed = b.c.waitForEvent('consumerClosed');
    await cam.request('setTalkback', { mode: 'open', viewersHearEachOther: false });
    expect((await closed).data).toEqual({ consumerId });
    const dump = await roomObjects(stage.service, room).then((d) => d!);
    expect(dump.consumerIds).toHaveLength(1); // the camera's
  });

  it('the camera mutes a viewer: its voice pauses, it is told, and may unmute again', async () => {
    const cam = await camera();
    const a = await viewer('Ada');
    const producerId = await talk(a.c, 50_000_002);
    const told = a.c.waitForEvent('talkbackMuted');
    await cam.request('muteViewer', { peerId: a.joined.peerId });
    expect((await told).data.reason).toMatch(/muted/);
    const producer = stage.service.rooms.get(room)!.peer(a.joined.peerId)!.producer(producerId);
    expect(producer.paused).toBe(true);
    await expect.poll(() => audienceOf(cam)[0]?.talkback).toBe('muted');
    await a.c.request('resumeProducer', { producerId });
    expect(producer.paused).toBe(false);
    await expect.poll(() => audienceOf(cam)[0]?.talkback).toBe('live');
    // She stops sending her voice altogether but stays: the camera's list says so.
    await a.c.request('closeProducer', { producerId });
    await expect
      .poll(() => audienceOf(cam)[0])
      .toEqual({ peerId: a.joined.peerId, displayName: 'Ada', talkback: 'none', sharesGaze: false });
    // Only the camera mutes, and only viewers.
    expect(await a.c.expectError('muteViewer', { peerId: a.joined.peerId })).toBe('forbidden');
    expect(await cam.expectError('muteViewer', { peerId: 'no-such-peer' as PeerId })).toBe('not_found');
  });

  it('talkback off: live voices are muted, unmuting and new voices are refused with talkback_off', async () => {
    const cam = await camera();
    const a = await viewer('Ada');
    const b = await viewer('Bo');
    const producerId = await talk(a.c, 50_000_003);
    const muted = a.c.waitForEvent('talkbackMuted');
    const changed = b.c.waitForEvent('talkbackChanged');
    await cam.request('setTalkback', { mode: 'off', viewersHearEachOther: false });
    expect((await changed).data.mode).toBe('off');
    await muted;
    expect(await a.c.expectError('resumeProducer', { producerId })).toBe('talkback_off');
    const { transportId } = await b.c.request('createTransport', { direction: 'send' });
    expect(
      await b.c.expectError('produce', { transportId, kind: 'audio', rtpParameters: voice(50_000_004) }),
    ).toBe('talkback_off');
    expect(await a.c.expectError('setTalkback', { mode: 'open', viewersHearEachOther: true })).toBe(
      'forbidden',
    );
  });
});
