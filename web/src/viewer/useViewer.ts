import { useEffect, useState } from 'react';
import type { RoomId } from '@inclubit/sfu/protocol';
import { ViewerConnection, type ViewerState } from './viewer-connection';

/** Watches a room for as long as the component is mounted. */
export function useViewer(room: RoomId): ViewerState {
  const [state, setState] = useState<ViewerState>({ phase: 'connecting', tracks: [] });
  useEffect(() => {
    const connection = new ViewerConnection(room, setState);
    connection.start();
    return () => connection.stop();
  }, [room]);
  return state;
}
