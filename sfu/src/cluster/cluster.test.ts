// Two real nodes (each a whole service with its own mediasoup worker) and a real Redis (Debian's
// redis-server): the camera on node A, viewers on node B. The camera's tracks reach B once, through one
// cross-host PipeTransport (SRTP + RTX), whatever the number of B's viewers; changes follow; the pipe closes
// with B's last viewer; a second camera on B is refused; Redis's garbage, restart and absence are survived.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as sdpTransform from 'sdp-transform';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterView, type RoomId } from '../protocol/index.js';
import { startTestService, type TestService } from '../test-support/service.js';
import { startRedis, type TestRedis } from '../test-support/redis.js';
import { liveCamera, watchingViewer } from '../test-support/stage.js';
import { TestClient } from '../test-support/ws-client.js';
import { startPush, type Push } from '../test-support/ffmpeg-push.js';
import { cameraAudio } from '../test-support/media.js';
import { audienceMember } from '../media/talkback.js';
import type { ClusterNode } from './cluster-node.js';
import { until } from '../test-support/until.js';

const ROOM = 'lesson' as RoomId;
/** A Chromium player's recvonly WHEP offer (VP8 and H264, Opus). */
const playerOffer = fs.readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '../ingest/fixtures/chromium-recvonly.sdp'),
  'utf8',
);
let redis: TestRedis;
const services: TestService[] = [];
const clients: TestClient[] = [];
const pushes: Push[] = [];

const logs = new Map<string, string[]>();

async function node(id: string, env: Record<string, string> = {}): Promise<TestService> {
  const stream = new PassThrough();
  const lines: string[] = [];
  logs.set(id, lines);
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const s = await startTestService(
    {
      CLUSTER_REDIS_URL: redis.url,
      NODE_ID: id,
      CLUSTER_HEARTBEAT_MS: '200',
      CAMERA_STALL_MS: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    { logStream: stream },
  );
  services.push(s);
  return s;
}

/** The messages a node logged. */
const logged = (id: string) => (logs.get(id) ?? []).map((l) => (JSON.parse(l) as { msg: string }).msg);

async function connect(s: TestService): Promise<TestClient> {
  const c = await TestClient.connect(s.wsUrl);
  clients.push(c);
  return c;
}

async function connectWith(s: TestService, token: string): Promise<TestClient> {
  const c = await TestClient.connect(`${s.wsUrl}?token=${token}`);
  clients.push(c);
  return c;
}

const clusterOf = (s: TestService): ClusterNode => s.cluster ?? expect.fail('no cluster on this node');

beforeEach(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await Promise.allSettled(pushes.splice(0).map((p) => p.stop()));
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await Promise.allSettled(services.splice(0).map((s) => s.app.close()));
  await redis.stop();
});

describe('nodes sharing a room through Redis', () => {
  it('registers each node with its load, and forgets a node that stops', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await until('both nodes listed', () => clusterOf(a).nodes.length === 2);
    const listed = clusterOf(a).nodes.map((n) => n.id);
    expect(listed).toEqual(['node-a', 'node-b']);
    const second = clusterOf(a).nodes[1];
    expect(second?.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(second?.load.viewers).toBe(0);
    await b.app.close();
    services.splice(services.indexOf(b), 1);
    await until('node-b gone', () => clusterOf(a).nodes.length === 1);
  });

  it('pipes the camera to another node once, however many viewers watch there', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const cam = await liveCamera(await connect(a), ROOM);
    const first = await watchingViewer(await connect(b), ROOM);
    // The join answer already lists the camera's tracks: the pipe opened before it.
    expect(first.joined.producers.map((p) => p.kind).sort()).toEqual(['audio', 'video']);
    expect(b.rooms.get(ROOM)?.camera?.source).toBe('origin');
    for (let i = 0; i < 3; i++) await watchingViewer(await connect(b), ROOM);
    await watchingViewer(await connect(a), ROOM);
    const links = clusterOf(a).originLinks(ROOM);
    expect(links.map((l) => l.edge)).toEqual(['node-b']);
    expect(
      links[0]!
        .pipeConsumers()
        .map((c) => c.producerId)
        .sort(),
    ).toEqual([cam.audio, cam.video].sort());
    // mediasoup's own view: A's router has one pipe transport, with one consumer per camera track.
    const dump = (await a.rooms.get(ROOM)!.home.router.dump()) as { transportIds: string[] };
    expect(dump.transportIds).toHaveLength(3); // camera's send, A's viewer's recv, the pipe
    const pipe = (await links[0]!.transport.dump()) as { consumerIds: string[] };
    expect(pipe.consumerIds).toHaveLength(2);
    expect(b.rooms.get(ROOM)?.viewers()).toHaveLength(4);
    expect(b.rooms.get(ROOM)?.camera?.listProducers()).toHaveLength(2);

    // What an operator reads: A pipes both tracks to B, once; B receives both from A.
    const fromA = await view(a);
    expect(fromA.toEdges.map((l) => [l.room, l.edge, l.consumers.length])).toEqual([[ROOM, 'node-b', 2]]);
    const fromB = await view(b);
    expect(fromB.fromOrigins.map((l) => [l.room, l.origin, l.tracks.length])).toEqual([[ROOM, 'node-a', 2]]);
    // And what Prometheus scrapes: Redis up, one pipe each way.
    const metricsOf = async (s: TestService) => (await fetch(`${s.httpUrl}/metrics`)).text();
    expect(await metricsOf(a)).toMatch(/^inclubit_cluster_redis_up 1$/m);
    expect(await metricsOf(a)).toMatch(/^inclubit_pipes\{direction="to_edge"\} 1$/m);
    expect(await metricsOf(b)).toMatch(/^inclubit_pipes\{direction="from_origin"\} 1$/m);
    expect(await metricsOf(b)).toMatch(/^inclubit_pipe_packets\{state="repaired"\} 0$/m);
  });

  it('carries the camera’s changes: pause, resume, a track that ends, the description', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const camera = await connect(a);
    const cam = await liveCamera(camera, ROOM);
    const viewer = await connect(b);
    const watching = await watchingViewer(viewer, ROOM);
    const edgeTrack = (kind: 'audio' | 'video') =>
      b.rooms
        .get(ROOM)
        ?.camera?.listProducers()
        .find((p) => p.kind === kind);

    await camera.request('pauseProducer', { producerId: cam.video });
    await until('paused on B', () => edgeTrack('video')?.paused);
    await camera.request('resumeProducer', { producerId: cam.video });
    await until('resumed on B', () => edgeTrack('video')?.paused === false);

    const described = viewer.waitForEvent('streamChanged');
    await camera.request('setStream', { projection: 'stereo-360-tb', swapEyes: false });
    expect((await described).data.projection).toBe('stereo-360-tb');

    const closed = viewer.waitForEvent('consumerClosed');
    await camera.request('closeProducer', { producerId: cam.audio! });
    expect(watching.consumerIds).toContain((await closed).data.consumerId);
    expect(clusterOf(a).originLinks(ROOM)[0]!.pipeConsumers()).toHaveLength(1);

    // Sound again: a new track is piped and announced to B's viewers.
    const added = viewer.waitForEvent('producerAdded');
    await camera.request('produce', {
      transportId: cam.transportId,
      kind: 'audio',
      rtpParameters: cameraAudio,
    });
    expect((await added).data.kind).toBe('audio');
  });

  it('shows REC on every node while the origin records, also through a pipe opened during it', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await liveCamera(await connect(a), ROOM);
    await a.recorders.start(ROOM);
    const viewer = await connect(b);
    expect((await viewer.request('join', { room: ROOM, role: 'viewer' })).recording).toBe(true);
    const off = viewer.waitForEvent('recordingChanged');
    await a.recorders.stop(ROOM);
    expect((await off).data).toEqual({ recording: false });
    const on = viewer.waitForEvent('recordingChanged');
    await a.recorders.start(ROOM);
    expect((await on).data).toEqual({ recording: true });
    // Only the camera's node records: B does not record its copy of the room.
    expect(b.recorders.recordingOf(ROOM)).toBeUndefined();
    await a.recorders.stop(ROOM);
  });

  it('carries talkback back: a viewer on B is heard and listed on A, and the camera’s rules reach B', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const camera = await connect(a);
    await liveCamera(camera, ROOM);
    const viewer = await connect(b);
    await watchingViewer(viewer, ROOM, { displayName: 'Maija' });
    // The camera's audience (what its page lists) has her at once, though she watches on B.
    const onA = () => a.rooms.get(ROOM)!.viewers().map(audienceMember);
    await until('Maija listed on A', () => onA()[0]?.displayName === 'Maija');
    expect(onA()).toEqual([expect.objectContaining({ talkback: 'none' })]);
    const { transportId } = await viewer.request('createTransport', { direction: 'send' });
    const heard = camera.waitForEvent('producerAdded');
    const { producerId: voice } = await viewer.request('produce', {
      transportId,
      kind: 'audio',
      rtpParameters: cameraAudio,
    });
    const track = (await heard).data;
    expect(track).toMatchObject({ kind: 'audio', source: 'talkback' });
    // The camera can consume the relayed voice, and lists the viewer by name.
    await camera.request('createTransport', { direction: 'recv' });
    const consumed = await camera.request('consume', {
      producerId: track.producerId,
      rtpCapabilities: a.rooms.get(ROOM)!.rtpCapabilities,
    });
    expect(consumed.kind).toBe('audio');
    expect(onA()).toEqual([expect.objectContaining({ displayName: 'Maija', talkback: 'live' })]);
    // Muted by the camera on A: the viewer on B is told and its own producer paused.
    const muted = viewer.waitForEvent('talkbackMuted');
    await camera.request('muteViewer', { peerId: track.peerId });
    await muted;
    expect(
      b.rooms
        .get(ROOM)!
        .peerList()
        .flatMap((p) => p.listProducers())
        .find((p) => p.id === voice)?.paused,
    ).toBe(true);
    // The camera turns talkback off on A: B's viewers hear of it.
    const changed = viewer.waitForEvent('talkbackChanged');
    await camera.request('setTalkback', { mode: 'off', viewersHearEachOther: false });
    expect((await changed).data.mode).toBe('off');
    // The voice ends on B: the camera lists her without it; she leaves B: she leaves A's list.
    await viewer.request('closeProducer', { producerId: voice });
    await until('voice gone on A', () => onA()[0]?.talkback === 'none');
    await viewer.close();
    await until('stand-in gone', () => a.rooms.get(ROOM)!.viewers().length === 0);
  });

  it('sends a viewer from a full node to the least loaded one, with a ticket that node honours', async () => {
    const a = await node('node-a', { NODE_MAX_VIEWERS: '1' });
    const b = await node('node-b');
    await liveCamera(await connect(a), ROOM);
    const first = await watchingViewer(await connect(a), ROOM);
    // Every join answer lists the cluster's nodes, to go on at if this one dies.
    expect(first.joined.cluster?.node).toBe('node-a');
    await until('both nodes known on A', () => clusterOf(a).nodes.length === 2);
    const refused = await (await connect(a)).rawRequest('join', { room: ROOM, role: 'viewer' });
    expect(refused.error?.code).toBe('node_full');
    const moved = refused.error?.moved;
    expect(moved).toMatchObject({ node: 'node-b', url: b.config.cluster?.nodeUrl });
    // On B with the ticket: in, and watching the camera piped from A.
    const there = await connect(b);
    const joined = await there.request('join', { room: ROOM, role: 'viewer', ticket: moved!.ticket });
    expect(joined.producers).toHaveLength(2);
    expect(joined.cluster?.nodes.map((n) => n.id).sort()).toEqual(['node-a', 'node-b']);
    // A ticket is for its node and room only; one for A lets a viewer into full A.
    expect(
      await (await connect(a)).expectError('join', { room: ROOM, role: 'viewer', ticket: moved!.ticket }),
    ).toBe('node_full');
    const forA = await a.tokens.issueTicket({ room: ROOM, node: 'node-a' }, 60);
    await (await connect(a)).request('join', { room: ROOM, role: 'viewer', ticket: forA });
    // And a ticket is no token.
    await expect(TestClient.connect(`${a.wsUrl}?token=${forA}`)).rejects.toThrow();
  });

  it('lets an operator on any node cap, kick and close across the cluster', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const camera = await connect(a);
    await liveCamera(camera, ROOM);
    const onB = await connect(b);
    await watchingViewer(onB, ROOM, { displayName: 'Bea' });
    const operator = async (s: TestService) =>
      connectWith(s, (await s.tokens.issue({ role: 'operator' }, 600)).token);

    // A cap set on B holds on A too, counting B's viewer.
    await (await operator(b)).request('setRoomLimit', { room: ROOM, maxViewers: 2 });
    await until('cap on A', () => a.rooms.get(ROOM)?.maxViewers === 2);
    await until('A sees B’s viewer', () =>
      clusterOf(a).nodes.some(
        (n) => n.rooms.some((r) => r.room === ROOM && r.viewers === 1) && n.id === 'node-b',
      ),
    );
    await watchingViewer(await connect(a), ROOM);
    expect(await (await connect(a)).expectError('join', { room: ROOM, role: 'viewer' })).toBe('room_full');

    // Kicking Bea's stand-in on A removes Bea on B.
    const standIn = a.rooms
      .get(ROOM)!
      .viewers()
      .find((v) => v.displayName === 'Bea')!;
    const kicked = onB.waitForEvent('kicked');
    await (await operator(a)).request('kickPeer', { room: ROOM, peerId: standIn.id });
    await kicked;
    await until('Bea gone from B', () => (b.rooms.get(ROOM)?.localViewers ?? 0) === 0);

    // Closing the room on B closes it on A: the camera is told not to come back.
    await watchingViewer(await connect(b), ROOM);
    const closed = camera.waitForEvent('roomClosed');
    await (await operator(b)).request('closeRoom', { room: ROOM });
    expect((await closed).data.rejoin).toBe(false);
  });

  it('refuses a second camera on another node while the first is live, and lets it in after', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const first = await connect(a);
    await liveCamera(first, ROOM);
    const second = await connect(b);
    expect(await second.expectError('join', { room: ROOM, role: 'camera' })).toBe('camera_taken');
    await first.close();
    await until('room free', async () => (await redisValue(`inclubit:room:${ROOM}:origin`)) === null);
    await liveCamera(await connect(b), ROOM);
    expect(await redisValue(`inclubit:room:${ROOM}:origin`)).toBe('node-b');
  });

  it('closes the pipe with the edge’s last viewer', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await liveCamera(await connect(a), ROOM);
    const v1 = await connect(b);
    const v2 = await connect(b);
    await watchingViewer(v1, ROOM);
    await watchingViewer(v2, ROOM);
    await v1.close();
    expect(clusterOf(a).originLinks(ROOM)).toHaveLength(1);
    await v2.close();
    await until('pipe closed on A', () => clusterOf(a).originLinks(ROOM).length === 0);
    await until('room closed on B', () => b.rooms.get(ROOM) === undefined);
  });

  it('brings the pipe back when the camera returns, to viewers already waiting', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const camera = await connect(a);
    await liveCamera(camera, ROOM);
    const viewer = await connect(b);
    await watchingViewer(viewer, ROOM);
    await camera.close();
    await until('B lost the camera', () => (b.rooms.get(ROOM)?.camera?.listProducers().length ?? 0) === 0);
    const back = viewer.waitForEvent('producerAdded');
    await liveCamera(await connect(a), ROOM);
    expect((await back).data.source).toBe('camera');
  });

  it('plays a camera on A to a WHEP player on B, piped in for it, and 404s where no node has one', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const whep = (s: TestService, room: string) =>
      s.app.inject({
        method: 'POST',
        url: `/whep/${room}`,
        headers: { 'content-type': 'application/sdp' },
        payload: playerOffer,
      });
    const none = await whep(b, ROOM);
    expect(none.statusCode).toBe(404);
    // Nothing was made for it: no room on B, no pipe.
    expect(b.rooms.get(ROOM)).toBeUndefined();

    const cam = await liveCamera(await connect(a), ROOM);
    const play = await whep(b, ROOM);
    expect(play.statusCode).toBe(201);
    expect(sdpTransform.parse(play.body).media.map((m) => [m.type, m.rtp[0]?.codec])).toEqual([
      ['video', 'VP8'],
      ['audio', 'opus'],
    ]);
    // The player is B's viewer, fed by the one pipe from A.
    expect(b.rooms.get(ROOM)?.camera?.source).toBe('origin');
    expect(
      b.rooms
        .get(ROOM)
        ?.viewers()
        .map((v) => v.device),
    ).toEqual([expect.stringMatching(/^WHEP · /)]);
    const links = clusterOf(a).originLinks(ROOM);
    expect(links.map((l) => [l.edge, l.pipeConsumers().length])).toEqual([['node-b', 2]]);
    // Its end closes the pipe, as a last viewer's leaving does.
    const end = await b.app.inject({ method: 'DELETE', url: play.headers.location as string });
    expect(end.statusCode).toBe(200);
    await until('pipe closed on A', () => clusterOf(a).originLinks(ROOM).length === 0);
    // A's camera was never disturbed.
    expect(
      a.rooms
        .get(ROOM)
        ?.camera?.listProducers()
        .map((p) => p.id),
    ).toContain(cam.video);
  });

  it('sends real media over the pipe (SRTP), from an RTMP camera on A', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const key = await a.ingestLinks.settings.keyFor(ROOM);
    const push = startPush(`rtmp://127.0.0.1:${a.rtmp!.port}/live/${ROOM}/${key}`, { seconds: 30 });
    pushes.push(push);
    await until('camera live on A', () => (a.rooms.get(ROOM)?.camera?.listProducers().length ?? 0) === 2, {
      ms: 20_000,
    });
    await watchingViewer(await connect(b), ROOM);
    const bytes = async () => {
      const video = b.rooms
        .get(ROOM)
        ?.camera?.listProducers()
        .find((p) => p.kind === 'video');
      const stats = (await video?.getStats()) ?? [];
      return stats.reduce((n, s) => n + s.byteCount, 0);
    };
    await until('video arriving on B', async () => (await bytes()) > 50_000, { ms: 15_000 });
    const pipe = clusterOf(a).originLinks(ROOM)[0]!.transport;
    const [stats] = await pipe.getStats();
    expect(stats!.bytesSent).toBeGreaterThan(50_000);
  });

  it('ignores garbage and foreign messages on the bus', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const raw = new Redis(redis.url);
    try {
      for (const junk of ['not json', '{"type":"pipeOpen"}', '{"type":"nope","from":"x"}', '[]', 'null'])
        await raw.publish('inclubit:bus:node-a', junk);
      await raw.publish(
        'inclubit:bus:*all*',
        JSON.stringify({ type: 'originMoved', from: '../../x', room: 'R!' }),
      );
      await raw.set('inclubit:node:intruder', 'not a record');
    } finally {
      raw.disconnect();
    }
    await until('garbage logged', () =>
      logged('node-a').filter((m) => m.startsWith('ignored a bus message')).length >= 6 ? true : undefined,
    );
    // Both still work together.
    await liveCamera(await connect(a), ROOM);
    await watchingViewer(await connect(b), ROOM);
    expect(clusterOf(a).originLinks(ROOM)).toHaveLength(1);
    await until('both nodes listed, the intruder not', () =>
      clusterOf(a)
        .nodes.map((n) => n.id)
        .join() === 'node-a,node-b'
        ? true
        : undefined,
    );
  });

  it('rebuilds Redis’s state after a Redis restart, without touching live pipes', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await liveCamera(await connect(a), ROOM);
    await watchingViewer(await connect(b), ROOM);
    const pipe = clusterOf(a).originLinks(ROOM)[0]!;
    await redis.restart();
    expect(await redisValue('inclubit:node:node-a')).toBeNull(); // the restarted Redis is empty
    await until('records back', async () => (await redisValue('inclubit:node:node-b')) !== null, {
      ms: 5000,
    });
    await until(
      'origin claim back',
      async () => (await redisValue(`inclubit:room:${ROOM}:origin`)) === 'node-a',
      { ms: 5000 },
    );
    expect(clusterOf(a).originLinks(ROOM)[0]).toBe(pipe);
    expect(pipe.transport.closed).toBe(false);
  });

  it('starts without Redis, says so, and joins the cluster when Redis comes up', async () => {
    await redis.stop();
    const a = await node('node-a');
    expect(clusterOf(a).redisConnected).toBe(false);
    expect(logged('node-a')).toContain(
      'Redis unreachable at start; the node runs on its own and keeps retrying',
    );
    await redis.restart();
    await until('connected', () => clusterOf(a).redisConnected, { ms: 5000 });
    await until('registered', async () => (await redisValue('inclubit:node:node-a')) !== null, { ms: 5000 });
    expect(logged('node-a')).toContain('Redis connected');
  });
});

async function view(s: TestService): Promise<ClusterView> {
  const { token } = await s.tokens.issue({ role: 'operator' }, 60);
  const res = await fetch(`${s.httpUrl}/api/cluster`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ClusterView.parse(await res.json());
}

async function redisValue(key: string): Promise<string | null> {
  const r = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    return await r.get(key);
  } finally {
    r.disconnect();
  }
}
