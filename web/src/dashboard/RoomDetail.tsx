// One room in detail: its camera's figures, the egress chart, its viewers (remove one), recording, where the
// viewers look, and the room's own actions (viewer cap, close).
import { useState } from 'react';
import type { RoomSummary, SourceKind } from '@inclubit/sfu/protocol';
import type { SignalingClient } from '../lib/signaling';
import { Chart } from './Chart';
import { fmt, mbps } from './format';
import { RoomRecording } from './RoomRecording';
import { RoomPresence } from './RoomPresence';

const sourceNames: Record<SourceKind, string> = {
  browser: 'camera page',
  whip: 'WHIP encoder',
  rtmp: 'RTMP encoder',
  srt: 'SRT encoder',
  origin: 'relayed from another node',
};
export function RoomDetail({
  room,
  history,
  client,
  token,
}: {
  room: RoomSummary;
  history: Parameters<typeof Chart>[0]['samples'];
  client: SignalingClient | undefined;
  token: string;
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
      <RoomRecording room={room} token={token} />
      <RoomPresence room={room} client={client} />
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
