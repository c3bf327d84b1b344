import type { Sample } from './useRooms';

/** Egress bitrate (line) and viewer count (steps) over the last minutes, as a small SVG. */
export function Chart({ samples }: { samples: Sample[] }) {
  const w = 360;
  const h = 90;
  if (samples.length < 2) return <p className="hint">Collecting…</p>;
  const t0 = samples[0]!.at;
  const span = Math.max(1, samples[samples.length - 1]!.at - t0);
  const maxBps = Math.max(1, ...samples.map((s) => s.egressBps));
  const maxViewers = Math.max(1, ...samples.map((s) => s.viewers));
  const x = (s: Sample) => ((s.at - t0) / span) * w;
  const line = (y: (s: Sample) => number) =>
    samples.map((s, i) => `${i ? 'L' : 'M'}${x(s).toFixed(1)},${y(s).toFixed(1)}`).join(' ');
  return (
    <svg className="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label="bitrate and viewers over time">
      <path
        d={line((s) => h - (s.egressBps / maxBps) * (h - 4))}
        fill="none"
        stroke="#7cc4ff"
        strokeWidth="2"
      />
      <path
        d={line((s) => h - (s.viewers / maxViewers) * (h - 4))}
        fill="none"
        stroke="#ffb74d"
        strokeWidth="1.5"
        strokeDasharray="4 3"
      />
      <text x="4" y="12" fill="#7cc4ff" fontSize="10">
        {(maxBps / 1e6).toFixed(1)} Mbps
      </text>
      <text x={w - 4} y="12" fill="#ffb74d" fontSize="10" textAnchor="end">
        {maxViewers} viewers
      </text>
    </svg>
  );
}
