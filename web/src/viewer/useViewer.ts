import { useEffect, useState } from 'react';
import { defaultStreamInfo, type RoomId } from '@inclubit/sfu/protocol';
import { ViewerConnection, type ViewerState } from './viewer-connection';

/** Watches a room for as long as the component is mounted. */
export function useViewer(room: RoomId): { state: ViewerState; connection: ViewerConnection | undefined } {
  const [state, setState] = useState<ViewerState>({
    phase: 'connecting',
    tracks: [],
    stream: defaultStreamInfo,
  });
  const [connection, setConnection] = useState<ViewerConnection>();
  useEffect(() => {
    const c = new ViewerConnection(room, setState);
    setConnection(c);
    c.start();
    return () => c.stop();
  }, [room]);
  return { state, connection };
}
