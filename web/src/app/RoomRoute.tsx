import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { RoomId } from '@inclubit/sfu/protocol';
import { InsecureNotice } from './InsecureNotice';

/** Validates the :room part of the URL before any page talks to the server with it. */
export function RoomRoute({ children }: { children: (room: RoomId) => ReactNode }) {
  const parsed = RoomId.safeParse(useParams().room);
  // Before anything connects: an insecure page would join, fail and reconnect in a loop.
  if (!window.isSecureContext) return <InsecureNotice />;
  if (!parsed.success) {
    return (
      <main className="page">
        <p className="error">That is not a valid room code.</p>
        <Link to="/">Choose a room</Link>
      </main>
    );
  }
  return children(parsed.data);
}
