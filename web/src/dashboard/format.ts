// How the dashboard writes figures.
export const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbps`;

const pad = (n: number) => String(n).padStart(2, '0');

/** 1h 02m 03s */
export const duration = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m ${pad(s % 60)}s`;
};

export const uptime = (since: number) => duration(Date.now() - since);

export const fmt = (v: number | undefined, unit = '') =>
  v === undefined ? '–' : `${Math.round(v * 10) / 10}${unit}`;

/** 1.5 GB, 230 MB, 12 kB */
export const bytes = (n: number) => {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
};
