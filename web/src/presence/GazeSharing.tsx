import { setSharing, useViewerPresence } from './viewer-presence';

/** The pupil's choice to share where it looks (remembered), and a plain note while it does. */
export function GazeSharing() {
  const sharing = useViewerPresence((s) => s.sharing);
  return (
    <div className="gaze-sharing" data-sharing={sharing}>
      <label className="inline">
        <input
          type="checkbox"
          checked={sharing}
          data-testid="share-gaze"
          onChange={(e) => setSharing(e.target.checked)}
        />
        Share where I look
      </label>
      {sharing && <span className="note">The teacher sees where you look</span>}
    </div>
  );
}
