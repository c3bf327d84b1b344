import { Link, useParams } from 'react-router';
import { RecordingId } from '@inclubit/sfu/protocol';
import { InsecureNotice } from '../app/InsecureNotice';
import { ReplayPage } from './ReplayPage';

/** Validates the :id part of /replay/:id before the page asks the server for it. */
export function ReplayRoute() {
  const parsed = RecordingId.safeParse(useParams().id);
  // WebXR needs a secure page, as live viewing does.
  if (!window.isSecureContext) return <InsecureNotice />;
  if (!parsed.success) {
    return (
      <main className="page">
        <p className="error">That is not a recording’s address.</p>
        <Link to="/">Home</Link>
      </main>
    );
  }
  return <ReplayPage key={parsed.data} id={parsed.data} />;
}
