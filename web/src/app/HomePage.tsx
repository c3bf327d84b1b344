import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { RoomId } from '@inclubit/sfu/protocol';
import { recentRooms, rememberRoom } from './recent-rooms';

export function HomePage() {
  const navigate = useNavigate();
  const [code, setCode] = useState(() => recentRooms()[0] ?? '');
  const parsed = RoomId.safeParse(code.trim().toLowerCase());

  const go = (kind: 'camera' | 'watch') => (e?: FormEvent) => {
    e?.preventDefault();
    if (!parsed.success) return;
    rememberRoom(parsed.data);
    void navigate(`/${kind}/${parsed.data}`);
  };

  return (
    <main className="page home-page">
      <h1>Inclubit 360</h1>
      <p>Be in the classroom from anywhere: one 360° camera, every headset.</p>
      <form onSubmit={go('watch')}>
        <label>
          Room code
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            placeholder="e.g. class-4b"
            autoFocus
            list="recent-rooms"
          />
        </label>
        <datalist id="recent-rooms">
          {recentRooms().map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        {code && !parsed.success && <p className="error">Use lowercase letters, digits and dashes.</p>}
        <div className="actions">
          <button type="submit" disabled={!parsed.success}>
            Watch
          </button>
          <button type="button" onClick={go('camera')} disabled={!parsed.success}>
            Be the camera
          </button>
        </div>
      </form>
    </main>
  );
}
