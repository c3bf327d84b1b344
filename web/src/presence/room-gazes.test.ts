import { describe, expect, it } from 'vitest';
import type { Gaze, PeerId, RoomId } from '@inclubit/sfu/protocol';
import { RoomGazes } from './room-gazes';

const room = 'r' as RoomId;
const [ada, ben] = ['ada', 'ben'] as PeerId[] as [PeerId, PeerId];
const gaze = (yaw: number): Gaze => ({ yaw, pitch: 0, hfov: 90, vfov: 60 });

describe('RoomGazes', () => {
  it('names viewers from the page’s own list first, else as the server sent them', () => {
    const gazes = new RoomGazes();
    // An operator on a node without the camera: the server names viewers it does not list here.
    gazes.apply({ room, full: true, viewers: [{ peerId: ada, gaze: gaze(10) }], names: { [ada]: 'Ada' } });
    gazes.apply({ room, full: false, viewers: [{ peerId: ben, gaze: gaze(20) }], names: { [ben]: 'Ben' } });
    const listed = new Map([[ben, 'Ben (here)']]);
    expect(gazes.nameOf(ada, listed)).toBe('Ada');
    expect(gazes.nameOf(ben, listed)).toBe('Ben (here)');
    // A whole picture starts anew: names not in it are forgotten with their gazes.
    gazes.apply({ room, full: true, viewers: [{ peerId: ben, gaze: gaze(30) }] });
    expect([...gazes.gazes.keys()]).toEqual([ben]);
    expect(gazes.nameOf(ada, new Map())).toBeUndefined();
  });
});
