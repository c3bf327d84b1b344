import { useCallback, useState, type FormEvent } from 'react';
import { RoomId, type RoomSummary, type SourceKind } from '@inclubit/sfu/protocol';
import { RequestError } from '../lib/errors';
import { createLinks, forgetToken, login, logout, storedToken, type JoinLinks } from './operator-api';
import { useRooms } from './useRooms';
import { Chart } from './Chart';
import { LinksCard } from './LinksCard';
import { ClusterCard } from './ClusterCard';
import { useCluster } from './useCluster';
import type { SignalingClient } from '../lib/signaling';

const sourceNames: Record<SourceKind, string> = {
  browser: 'camera page',
  whip: 'WHIP encoder',
  rtmp: 'RTMP encoder',
  srt: 'SRT encoder',
  origin: 'relayed from another node',
};
const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbps`;
const uptime = (since: number) => {
  const s = Math.floor((Date.now() - since) / 1000);
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m ${String(s % 60).padStart(2, '0')}s`;
};
const fmt = (v: number | undefined, unit = '') =>
  v === undefined ? '–' : `${Math.round(v * 10) / 10}${unit}`;

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

function RoomDetail({
  room,
  history,
  client,
}: {
  room: RoomSummary;
  history: Parameters<typeof Chart>[0]['samples'];
  client: SignalingClient | undefined;
}) {
  const [cap, setCap] = useState(String(room.maxViewers));
  /** Runs an operator action; a refusal is shown, never lost. */
  const act = (p: Promise<unknown> | undefined): void => {
    p?.catch((e: unknown) => alert(e instanceof Error ? e.message : String(e)));
  };
  const c = room.camera;
  return (
    <section className="room-detail" data-testid="room-detail" data-room={room.room}>
      <h2>
        Room <code>{room.room}</code>
      </h2>
      <dl className="figures">
        <dt>Camera</dt>
        <dd data-testid="camera-state">{c?.live ? 'live' : 'offline'}</dd>
        <dt>Source</dt>
        <dd data-testid="camera-source">{c ? sourceNames[c.source] : '–'}</dd>
        <dt>Codec</dt>
        <dd data-testid="camera-codec">
          {c?.codec?.split('/')[1] ?? '–'}
          {c?.reencoded !== undefined && (c.reencoded ? ' (re-encoded by the server)' : ' (copied as sent)')}
        </dd>
        <dt>Resolution</dt>
        <dd>{c?.width ? `${c.width}×${c.height}` : '–'}</dd>
        <dt>Frame rate</dt>
        <dd>{fmt(c?.fps, ' fps')}</dd>
        <dt>Bitrate in</dt>
        <dd>{c ? mbps(c.bitrateBps) : '–'}</dd>
        <dt>Loss / RTT</dt>
        <dd>
          {fmt(c?.lossPercent, ' %')} / {fmt(c?.rttMs, ' ms')}
        </dd>
        <dt>Layers sent</dt>
        <dd data-testid="camera-layers">
          {c?.layers
            ? c.layers
                .map((l) => `${l.width}×${l.height} ${mbps(l.bitrateBps)}${l.sending ? '' : ' (dropped)'}`)
                .join(' · ')
            : 'one'}
        </dd>
        <dt>Projection</dt>
        <dd>{room.stream.projection}</dd>
        <dt>Egress</dt>
        <dd data-testid="egress">{mbps(room.egressBps)}</dd>
      </dl>
      <Chart samples={history} />
      <table className="viewers" data-testid="viewers">
        <thead>
          <tr>
            <th>Name</th>
            <th>Device</th>
            <th>Receiving</th>
            <th>Loss</th>
            <th>RTT</th>
            <th>Score</th>
            <th>Layer</th>
            <th>Estimate</th>
            <th>Connection</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {room.viewers.map((v) => (
            <tr key={v.peerId} data-peer={v.peerId}>
              <td>{v.displayName ?? 'anonymous'}</td>
              <td>{v.device}</td>
              <td data-testid="viewer-bitrate">{mbps(v.bitrateBps)}</td>
              <td>{fmt(v.lossPercent, ' %')}</td>
              <td>{fmt(v.rttMs, ' ms')}</td>
              <td>{fmt(v.score)}</td>
              <td data-testid="viewer-layer">
                {v.layer ? `${(v.layer.spatial ?? -1) + 1}/${v.layer.of} (max ${v.layer.ceiling + 1})` : '–'}
              </td>
              <td>{v.estimateBps !== undefined ? mbps(v.estimateBps) : '–'}</td>
              <td>{v.connection === 'relay' ? 'TURN' : (v.connection ?? '–')}</td>
              <td>
                <button
                  type="button"
                  onClick={() => act(client?.request('kickPeer', { room: room.room, peerId: v.peerId }))}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <label className="inline">
          Viewer cap
          <input
            type="number"
            min={1}
            value={cap}
            onChange={(e) => setCap(e.target.value)}
            style={{ width: '6rem' }}
          />
        </label>
        <button
          type="button"
          onClick={() => act(client?.request('setRoomLimit', { room: room.room, maxViewers: Number(cap) }))}
        >
          Set cap
        </button>
        <button
          type="button"
          className="stop"
          onClick={() => {
            if (confirm(`Close room ${room.room} for everyone?`))
              act(client?.request('closeRoom', { room: room.room }));
          }}
        >
          Close room
        </button>
      </div>
    </section>
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
              <td>{r.camera?.live ? 'live' : 'offline'}</td>
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
        />
      )}
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
