// What a test client has been told of a room's presence: where each viewer looks, from its `gaze` events, and
// its latest audience list.
import type { AudienceMember, Gaze, PeerId } from '../protocol/index.js';
import type { TestClient } from './ws-client.js';

/** Where `c` has been told each viewer looks (a `full` event starts the picture anew). */
export function gazesSeenBy(c: TestClient): Map<PeerId, Gaze> {
  const seen = new Map<PeerId, Gaze>();
  for (const e of c.events) {
    if (e.event !== 'gaze') continue;
    if (e.data.full) seen.clear();
    for (const v of e.data.viewers) {
      if (v.gaze) seen.set(v.peerId, v.gaze);
      else seen.delete(v.peerId);
    }
  }
  return seen;
}

/** The viewers as `c`'s latest `audience` event lists them (none yet: empty). */
export function lastAudience(c: TestClient): AudienceMember[] {
  const last = c.events.filter((e) => e.event === 'audience').at(-1);
  return last?.event === 'audience' ? last.data.viewers : [];
}

/** The names `c` has been sent with the gazes (viewers on other nodes of a cluster). */
export function namesSeenBy(c: TestClient): Map<PeerId, string> {
  const names = new Map<PeerId, string>();
  for (const e of c.events) {
    if (e.event !== 'gaze') continue;
    if (e.data.full) names.clear();
    for (const [peerId, name] of Object.entries(e.data.names ?? {})) names.set(peerId as PeerId, name);
  }
  return names;
}
