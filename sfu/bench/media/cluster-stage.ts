// The cluster benchmark's stage: Debian's redis-server and two whole nodes of the service (each its own
// Fastify app and one mediasoup worker, coordinated through that Redis as in production), the camera's
// plain RTP arriving on the origin the way an RTMP/SRT bridge's does (Room.join + createPlainTransport +
// produce), and one viewer joined on the edge through the room gate, which makes the edge pipe the camera
// in (cross-host PipeTransport, SRTP + RTX). The ladder then adds viewers on either node's router.
import type { types } from 'mediasoup';
import type { Room } from '../../src/media/room.js';
import type { Peer } from '../../src/media/peer.js';
import type { RoomId, TransportId } from '../../src/protocol/index.js';
import { startRedis, type TestRedis } from '../../src/test-support/redis.js';
import { startTestService, type TestService } from '../../src/test-support/service.js';
import { until } from '../../src/test-support/until.js';
import { syntheticCamera, toffsetUri } from './measure.js';

const ROOM = 'bench-cluster' as RoomId;

export interface ClusterNodeStage {
  service: TestService;
  room: Room;
  worker: types.Worker;
  /** The camera's video on this node: the camera's own on the origin, the piped copy on the edge. */
  video: types.Producer;
}

export interface ClusterStage {
  origin: ClusterNodeStage;
  /** Undefined until `openEdge()`: a node with no viewer of the room has no pipe. */
  edge: ClusterNodeStage | undefined;
  /** Where the synthetic camera sends its RTP (and its RTCP: the sender reports teach mediasoup where to
   * send keyframe requests back). */
  ingestPort: number;
  payloadType: number;
  toffsetId: number;
  /** Makes the edge a node of this room: one viewer joins there, and the camera is piped from the origin. */
  openEdge(): Promise<ClusterNodeStage>;
  close(): Promise<void>;
}

/** A peer no connection holds: the bench's camera and the edge's one joined viewer. */
const benchLink = () => ({ owner: {}, notify: () => undefined, disconnect: () => undefined });

async function node(redis: TestRedis, id: string): Promise<TestService> {
  return startTestService({
    CLUSTER_REDIS_URL: redis.url,
    NODE_ID: id,
    CLUSTER_PIPE_IP: '127.0.0.1',
    // The bench's viewers are plain consumers, not room peers: no cap or stall watch is in the way.
    CAMERA_STALL_MS: '0',
  });
}

/** Joins `role` through the room gate (on an edge, this pipes the camera in) and holds the peer. */
async function join(service: TestService, role: 'camera' | 'viewer'): Promise<{ room: Room; peer: Peer }> {
  const room = await service.rooms.acquire(ROOM, role);
  try {
    const peer = room.join({
      role,
      source: role === 'camera' ? 'rtmp' : undefined,
      displayName: role === 'viewer' ? 'bench' : undefined,
      device: 'bench',
      link: benchLink(),
    });
    return { room, peer };
  } finally {
    room.release();
  }
}

const onlyWorker = (service: TestService): types.Worker => {
  const workers = service.pool.all();
  if (workers.length !== 1) throw new Error(`a bench node has one worker, not ${workers.length}`);
  return workers[0]!.worker;
};

export async function openClusterStage(ssrc: number): Promise<ClusterStage> {
  const redis = await startRedis();
  const services: TestService[] = [];
  const close = async () => {
    await Promise.allSettled(services.map((s) => s.app.close()));
    await redis.stop();
  };
  try {
    const originService = await node(redis, 'origin');
    services.push(originService);
    const edgeService = await node(redis, 'edge');
    services.push(edgeService);
    await until('both nodes registered', () => originService.cluster?.nodes.length === 2);

    const { room, peer } = await join(originService, 'camera');
    const camera = syntheticCamera(room.home.router, [ssrc]);
    const transport = await room.createPlainTransport(peer, '127.0.0.1');
    await room.produce(peer, {
      transportId: transport.id as TransportId,
      kind: 'video',
      rtpParameters: {
        ...camera.rtpParameters,
        rtcp: { cname: 'bench-camera', reducedSize: false },
      },
    });
    const video = peer.listProducers().find((p) => p.kind === 'video')!;
    const origin = { service: originService, room, worker: onlyWorker(originService), video };

    const stage: ClusterStage = {
      origin,
      edge: undefined,
      ingestPort: transport.tuple.localPort,
      payloadType: camera.payloadType,
      toffsetId: camera.toffsetId,
      async openEdge() {
        if (stage.edge) return stage.edge;
        const { room: edgeRoom } = await join(edgeService, 'viewer');
        const piped = await until('the camera piped to the edge', () =>
          edgeRoom.camera?.listProducers().find((p) => p.kind === 'video'),
        );
        const links = originService.cluster?.originLinks(ROOM) ?? [];
        if (links.length !== 1 || links[0]!.pipeConsumers().length !== 1)
          throw new Error('the origin should pipe the camera once to the edge');
        const edgeToffset = piped.rtpParameters.headerExtensions?.find((h) => h.uri === toffsetUri);
        if (edgeToffset?.id !== camera.toffsetId)
          throw new Error('the piped track lost its toffset extension: the bench could not time it');
        stage.edge = { service: edgeService, room: edgeRoom, worker: onlyWorker(edgeService), video: piped };
        return stage.edge;
      },
      close,
    };
    return stage;
  } catch (error) {
    await close();
    throw error;
  }
}
