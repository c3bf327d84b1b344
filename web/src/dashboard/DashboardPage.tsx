import { useCallback, useState, type FormEvent } from 'react';
import { RoomId } from '@inclubit/sfu/protocol';
import { RequestError } from '../lib/errors';
import { createLinks, forgetToken, login, logout, storedToken, type JoinLinks } from './operator-api';
import { useRooms } from './useRooms';
import { LinksCard } from './LinksCard';
import { RoomDetail } from './RoomDetail';
import { RecordingsCard } from './RecordingsCard';
import { mbps, uptime } from './format';
import { ClusterCard } from './ClusterCard';
import { useCluster } from './useCluster';

function LoginForm({ onToken }: { onToken: (t: string) => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login(password).then(onToken, (err: unknown) =>
      setError(err instanceof RequestError ? err.message : String(err)),
    );
  };
  return (
    <main className="page dashboard-login">
      <h1>Operator login</h1>
      <form onSubmit={submit}>
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
        </label>
        <button type="submit">Log in</button>
        {error && <p className="error">{error}</p>}
      </form>
    </main>
  );
}

function CreateRoom({ token }: { token: string }) {
  const [code, setCode] = useState('');
  const [links, setLinks] = useState<JoinLinks>();
  const [error, setError] = useState<string>();
  const parsed = RoomId.safeParse(code.trim().toLowerCase());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.success) return;
    createLinks(token, parsed.data).then(setLinks, (err: unknown) =>
      setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <section className="create-room">
      <h2>Create a room</h2>
      <form onSubmit={submit}>
        <input
          aria-label="new room code"
          placeholder="e.g. class-4b"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <button type="submit" disabled={!parsed.success}>
          Create links
        </button>
      </form>
      {error && <p className="error">{error}</p>}
      {links && (
        <LinksCard
          links={links}
          onChange={(change) => {
            createLinks(token, links.room, change).then(setLinks, (err: unknown) =>
              setError(err instanceof Error ? err.message : String(err)),
            );
          }}
        />
      )}
    </section>
  );
}

function Dashboard({ token, onLogout }: { token: string; onLogout: () => void }) {
  const { rooms, history, connection, error } = useRooms(token, onLogout);
  const cluster = useCluster(token);
  const [selected, setSelected] = useState<RoomId>();
  const list = [...rooms.values()].sort((a, b) => a.room.localeCompare(b.room));
  const current = (selected && rooms.get(selected)) ?? list[0];
  return (
    <main className="page dashboard-page">
      <header>
        <h1>Dashboard</h1>
        <button type="button" onClick={() => void logout(token).finally(onLogout)}>
          Log out
        </button>
      </header>
      {error && <p className="error">{error}</p>}
      <table className="rooms" data-testid="rooms">
        <thead>
          <tr>
            <th>Room</th>
            <th>Camera</th>
            <th>Viewers</th>
            <th>Egress</th>
            <th>Uptime</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr
              key={r.room}
              data-room={r.room}
              aria-selected={r.room === current?.room}
              onClick={() => setSelected(r.room)}
            >
              <td>{r.room}</td>
              <td>
                {r.camera?.live ? 'live' : 'offline'}
                {r.recording && <span className="rec-text"> · REC</span>}
              </td>
              <td data-testid="viewer-count">{r.viewers.length}</td>
              <td>{mbps(r.egressBps)}</td>
              <td>{uptime(r.createdAt)}</td>
            </tr>
          ))}
          {list.length === 0 && (
            <tr>
              <td colSpan={5}>No rooms open.</td>
            </tr>
          )}
        </tbody>
      </table>
      {current && (
        <RoomDetail
          key={current.room}
          room={current}
          history={history.get(current.room) ?? []}
          client={connection}
          token={token}
        />
      )}
      <RecordingsCard token={token} />
      {cluster && <ClusterCard view={cluster} />}
      <CreateRoom token={token} />
    </main>
  );
}

export function DashboardPage() {
  const [token, setToken] = useState(storedToken);
  const signOut = useCallback(() => {
    forgetToken();
    setToken(undefined);
  }, []);
  return token ? <Dashboard token={token} onLogout={signOut} /> : <LoginForm onToken={setToken} />;
}
