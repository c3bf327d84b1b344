// Read-outs of a room for operators and leak checks: the dashboard's summary (server figures plus what each
// page reported) and mediasoup's own dump of the room's routers.
import type { types } from 'mediasoup';
import type { RoomSummary } from '../protocol/index.js';
import type { Peer } from '../media/peer.js';
import type { Room } from '../media/room.js';

export interface RouterObjects {
  transportIds: string[];
  producerIds: string[];
  consumerIds: string[];
}

/** mediasoup's own view of a room's routers: the ground truth for leak checks. */
export async function dumpRoom(room: Room): Promise<RouterObjects> {
  // mediasoup 3.12 types the dump as `any`; these are the fields its JSON channel returns.
  const dumps = (await Promise.all(room.routerList().map((r: types.Router) => r.dump()))) as {
    transportIds: string[];
    mapProducerIdConsumerIds: Record<string, string[]>;
    mapConsumerIdProducerId: Record<string, string>;
  }[];
  return {
    transportIds: dumps.flatMap((d) => d.transportIds),
    producerIds: dumps.flatMap((d) => Object.keys(d.mapProducerIdConsumerIds)),
    consumerIds: dumps.flatMap((d) => Object.keys(d.mapConsumerIdProducerId)),
  };
}

/** What the SFU sends a peer, and its estimate of what it could (one stats call per transport). */
async function sending(peer: Peer): Promise<{ bitrateBps: number; estimateBps?: number }> {
  let bitrateBps = 0;
  let estimateBps: number | undefined;
  for (const t of peer.listTransports())
    for (const s of await t.getStats()) {
      bitrateBps += s.sendBitrate;
      if (s.availableOutgoingBitrate) estimateBps = (estimateBps ?? 0) + s.availableOutgoingBitrate;
    }
  return { bitrateBps, ...(estimateBps !== undefined && { estimateBps }) };
}

/** What the operator's dashboard shows of one room. */
export async function summarizeRoom(room: Room): Promise<RoomSummary> {
  const camera = room.camera;
  const video = camera?.listProducers().find((p) => p.kind === 'video');
  const viewers = await Promise.all(
    room.viewers().map(async (v) => ({
      ...v.stats,
      peerId: v.id,
      displayName: v.displayName,
      device: v.device,
      joinedAt: v.joinedAt,
      ...(await sending(v)),
      score: v.listConsumers().find((c) => c.kind === 'video')?.score.score,
      ...layerOf(room, v),
    })),
  );
  let cameraBitrate = 0;
  for (const p of camera?.listProducers() ?? [])
    for (const s of await p.getStats()) cameraBitrate += s.bitrate;
  return {
    room: room.id,
    createdAt: room.createdAt,
    maxViewers: room.maxViewers,
    stream: room.stream,
    recording: room.recording,
    camera: camera
      ? {
          ...camera.stats,
          peerId: camera.id,
          source: camera.source,
          device: camera.device,
          live: video !== undefined,
          codec: video?.rtpParameters.codecs[0]?.mimeType,
          ...(camera.reencoded !== undefined && { reencoded: camera.reencoded }),
          bitrateBps: cameraBitrate,
        }
      : null,
    viewers,
    egressBps: viewers.reduce((n, v) => n + v.bitrateBps, 0),
  };
}

/** The layer a viewer receives of the camera's video, when the camera sends layers. */
function layerOf(room: Room, viewer: Peer) {
  const l = room.layersOf(viewer)[0];
  return l
    ? {
        layer: {
          spatial: l.spatialLayer,
          temporal: l.temporalLayer,
          of: l.spatialLayers,
          ceiling: l.ceiling,
        },
      }
    : {};
}
