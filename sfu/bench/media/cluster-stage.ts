// The cluster benchmark's stage: Debian's redis-server and two whole nodes of the service (each its own
// Fastify app and one mediasoup worker, coordinated through that Redis as in production), the camera's
// plain RTP arriving on the origin the way an RTMP/SRT bridge's does (Room.join + createPlainTransport +
// produce), and one viewer joined on the edge through the room gate, which makes the edge pipe the camera
// in (cross-host PipeTransport, SRTP + RTX). The ladder then adds viewers on either node's router.
import type { types } from 'mediasoup';
import type { Room } from '../../src/media/room.js';
import type { RoomId } from '../../src/protocol/index.js';
import { startRedis, type TestRedis } from '../../src/test-support/redis.js';
import { startTestService, type TestService } from '../../src/test-support/service.js';
import { until } from '../../src/test-support/until.js';
import { toffsetUri } from './measure.js';
import { joinBench, plainCamera } from './plain-camera.js';

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

async function node(redis: TestRedis, id: string): Promise<TestService> {
  return startTestService({
    CLUSTER_REDIS_URL: redis.url,
    NODE_ID: id,
    CLUSTER_PIPE_IP: '127.0.0.1',
    // The bench's viewers are plain consumers, not room peers: no cap or stall watch is in the way.
    CAMERA_STALL_MS: '0',
  });
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

    const camera = await plainCamera(originService, ROOM, ssrc);
    const { room, video } = camera;
    const origin = { service: originService, room, worker: onlyWorker(originService), video };

    const stage: ClusterStage = {
      origin,
      edge: undefined,
      ingestPort: camera.port,
      payloadType: camera.payloadType,
      toffsetId: camera.toffsetId,
      async openEdge() {
        if (stage.edge) return stage.edge;
        const { room: edgeRoom } = await joinBench(edgeService, ROOM, 'viewer');
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
