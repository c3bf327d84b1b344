import { useEffect, useState } from 'react';
import type { RoomId, RoomSummary } from '@inclubit/sfu/protocol';
import { SignalingClient } from '../lib/signaling';

export interface Sample {
  at: number;
  egressBps: number;
  viewers: number;
}

export interface RoomsState {
  rooms: Map<RoomId, RoomSummary>;
  /** The last few minutes of each room, for its chart. */
  history: Map<RoomId, Sample[]>;
  connection: SignalingClient | undefined;
  error: string | undefined;
}

const HISTORY_MS = 5 * 60_000;

/** The live room list, as the server pushes it; reconnects after a drop. */
export function useRooms(token: string, onUnauthorized: () => void): RoomsState {
  const [state, setState] = useState<RoomsState>({
    rooms: new Map(),
    history: new Map(),
    connection: undefined,
    error: undefined,
  });

  useEffect(() => {
    let client: SignalingClient | undefined;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const apply = (changed: RoomSummary[], removed: RoomId[], replace: boolean) =>
      setState((s) => {
        const rooms = replace ? new Map<RoomId, RoomSummary>() : new Map(s.rooms);
        const history = new Map(s.history);
        const now = Date.now();
        for (const r of changed) {
          rooms.set(r.room, r);
          const samples = (history.get(r.room) ?? []).filter((x) => now - x.at < HISTORY_MS);
          history.set(r.room, [...samples, { at: now, egressBps: r.egressBps, viewers: r.viewers.length }]);
        }
        for (const id of removed) rooms.delete(id);
        return { ...s, rooms, history, connection: client, error: undefined };
      });

    const connect = async () => {
      try {
        client = await SignalingClient.connect(token);
        client.on('roomsChanged', ({ rooms, removed }) => apply(rooms, removed, false));
        client.onClose(() => {
          if (!stopped) retry = setTimeout(() => void connect(), 2000);
        });
        const { rooms } = await client.request('watchRooms', {});
        apply(rooms, [], true);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'unauthorized' || code === 'forbidden') return onUnauthorized();
        setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
        if (!stopped) retry = setTimeout(() => void connect(), 2000);
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      client?.close();
    };
  }, [token, onUnauthorized]);
  return state;
}
