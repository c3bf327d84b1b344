// The cluster on the dashboard (shown only on a node that is in one): every node with its load, every room
// with its viewers on each node and where its camera is, and this node's pipes with their loss and repair.
import type { ClusterView } from '@inclubit/sfu/protocol';

const pct = (v: number) => `${Math.round(v * 100)} %`;
const mbps = (bytesPerSecond: number) => `${((bytesPerSecond * 8) / 1e6).toFixed(2)} Mbps`;

export function ClusterCard({ view }: { view: ClusterView }) {
  const rooms = [...new Set(view.nodes.flatMap((n) => n.rooms.map((r) => r.room)))].sort();
  return (
    <section className="cluster" data-testid="cluster" data-node={view.node}>
      <h2>
        Cluster{' '}
        <small>
          (this node: {view.node}; Redis {view.redis})
        </small>
      </h2>
      <table data-testid="cluster-nodes">
        <thead>
          <tr>
            <th>Node</th>
            <th>Address</th>
            <th>Viewers</th>
            <th>Egress</th>
            <th>CPU</th>
          </tr>
        </thead>
        <tbody>
          {view.nodes.map((n) => (
            <tr key={n.id} data-node={n.id}>
              <td>{n.id}</td>
              <td>{n.httpUrl}</td>
              <td data-testid="node-viewers">
                {n.load.viewers} / {n.load.maxViewers}
              </td>
              <td>{mbps(n.load.egressBps)}</td>
              <td>{pct(n.load.cpu)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table data-testid="cluster-rooms">
        <thead>
          <tr>
            <th>Room</th>
            {view.nodes.map((n) => (
              <th key={n.id}>{n.id}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rooms.map((room) => (
            <tr key={room} data-room={room}>
              <td>{room}</td>
              {view.nodes.map((n) => {
                const here = n.rooms.find((r) => r.room === room);
                return (
                  <td key={n.id} data-node={n.id} data-viewers={here?.viewers ?? 0}>
                    {here ? `${here.viewers}${here.origin ? ' · camera' : ''}` : '–'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="pipes" data-testid="pipes">
        {view.toEdges.map((l) => {
          const video = l.consumers.find((c) => c.kind === 'video');
          return (
            <li key={`${l.room}→${l.edge}`} data-pipe="to-edge" data-edge={l.edge}>
              {l.room} → {l.edge}: {l.consumers.length} tracks, round trip{' '}
              {video?.roundTripTime !== undefined ? `${Math.round(video.roundTripTime)} ms` : '–'}, resent{' '}
              {video?.packetsRetransmitted ?? 0}
            </li>
          );
        })}
        {view.fromOrigins.map((l) => {
          const video = l.tracks.find((t) => t.kind === 'video');
          return (
            <li key={`${l.room}←${l.origin}`} data-pipe="from-origin" data-origin={l.origin}>
              {l.room} ← {l.origin}: {l.tracks.length} tracks, lost {video?.packetsLost ?? 0}, repaired{' '}
              {video?.packetsRepaired ?? 0}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
