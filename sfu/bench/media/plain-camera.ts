// The media benchmarks' camera and lone peers: a room joined through the registry (and its gate, on a cluster
// node) by a peer no connection holds, and the synthetic H264 camera published on a plain RTP transport the
// way an RTMP/SRT bridge publishes (Room.join + createPlainTransport + produce).
import type { types } from 'mediasoup';
import type { Room } from '../../src/media/room.js';
import type { Peer } from '../../src/media/peer.js';
import type { RoomId, TransportId } from '../../src/protocol/index.js';
import type { TestService } from '../../src/test-support/service.js';
import { syntheticCamera } from './measure.js';

const benchLink = () => ({ owner: {}, notify: () => undefined, disconnect: () => undefined });

/** Joins `role` through the room gate (on an edge, this pipes the camera in) and holds the peer. */
export async function joinBench(
  service: TestService,
  id: RoomId,
  role: 'camera' | 'viewer',
): Promise<{ room: Room; peer: Peer }> {
  const room = await service.rooms.acquire(id, role);
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

export interface PlainCamera {
  room: Room;
  video: types.Producer;
  /** Where the sender sends its RTP (and RTCP: sender reports teach mediasoup where keyframe requests go). */
  port: number;
  payloadType: number;
  toffsetId: number;
}

/** The room's camera: the synthetic H264 stream on `ssrc`, arriving on a plain transport. */
export async function plainCamera(service: TestService, id: RoomId, ssrc: number): Promise<PlainCamera> {
  const { room, peer } = await joinBench(service, id, 'camera');
  const camera = syntheticCamera(room.home.router, [ssrc]);
  const transport = await room.createPlainTransport(peer, '127.0.0.1');
  await room.produce(peer, {
    transportId: transport.id as TransportId,
    kind: 'video',
    rtpParameters: { ...camera.rtpParameters, rtcp: { cname: 'bench-camera', reducedSize: false } },
  });
  const video = peer.listProducers().find((p) => p.kind === 'video')!;
  return {
    room,
    video,
    port: transport.tuple.localPort,
    payloadType: camera.payloadType,
    toffsetId: camera.toffsetId,
  };
}
