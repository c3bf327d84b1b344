// The room's presence on the dashboard: the camera page's picture of where the class looks, smaller, over a
// plain grid of the frame (the dashboard receives no video) — and "look here" from the operator.
import { useEffect, useMemo } from 'react';
import type { Projection, RoomSummary } from '@inclubit/sfu/protocol';
import type { SignalingClient } from '../lib/signaling';
import { PresenceOverlay } from '../presence/PresenceOverlay';
import { RoomGazes } from '../presence/room-gazes';

/** A frame's width over its height, by layout, when the camera has not said its size. */
const frameAspect: Record<Projection, number> = {
  'mono-360': 2,
  'stereo-360-tb': 1,
  'stereo-360-sbs': 4,
  'stereo-180-sbs': 2,
  'mono-180': 1,
};

export function RoomPresence({ room, client }: { room: RoomSummary; client: SignalingClient | undefined }) {
  const gazes = useMemo(() => new RoomGazes(), []);
  const id = room.room;
  useEffect(() => {
    if (!client) return;
    const offGaze = client.on('gaze', (g) => g.room === id && gazes.apply(g));
    const offCue = client.on('cue', (c) => c.room === id && gazes.setCue(c));
    client
      .request('watchPresence', { room: id })
      .catch((e: unknown) => console.warn('presence not watched', e));
    return () => {
      offGaze();
      offCue();
      gazes.clear();
      client.request('watchPresence', { room: null }).catch(() => undefined);
    };
    // A room that closed and opened again is a new room to watch.
  }, [client, id, room.createdAt, gazes]);

  const names = useMemo(
    () => new Map(room.viewers.map((v) => [v.peerId, v.displayName ?? 'Viewer'] as const)),
    [room.viewers],
  );
  const c = room.camera;
  const aspect = c?.width && c.height ? c.width / c.height : frameAspect[room.stream.projection];
  return (
    <section className="room-presence" aria-label="where the viewers look">
      <h3>Where the viewers look</h3>
      <PresenceOverlay
        gazes={gazes}
        stream={room.stream}
        names={names}
        aspect={aspect}
        small
        onLook={
          client &&
          ((d) => void client.request('lookHere', { ...d, room: id }).catch((e: unknown) => alert(String(e))))
        }
      >
        <div className="presence-grid" />
      </PresenceOverlay>
    </section>
  );
}
