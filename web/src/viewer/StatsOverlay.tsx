import { useEffect, useState } from 'react';
import type { Layers, StreamInfo } from '@inclubit/sfu/protocol';
import type { ViewerConnection } from './viewer-connection';
import { summarize, type ReceiveStats, type VideoCounters } from './receive-stats';
import { useView } from './view-store';

/**
 * Samples the receiving connection every second: for the overlay, and (every other sample) for the
 * operator's dashboard through the server.
 */
export function useReceiveStats(connection: ViewerConnection | undefined): ReceiveStats | undefined {
  const [stats, setStats] = useState<ReceiveStats>();
  useEffect(() => {
    if (!connection) return;
    let previous: VideoCounters | undefined;
    let cancelled = false;
    let samples = 0;
    const sample = async () => {
      const report = await connection.getStats();
      if (cancelled || !report) return;
      const { summary, counters } = summarize(report, previous);
      previous = counters;
      setStats(summary);
      if (++samples % 2 === 0) {
        connection.report({
          width: summary.width,
          height: summary.height,
          fps: summary.fps,
          bitrateBps: summary.bitrateKbps * 1000,
          lossPercent: summary.lossPercent,
          ...(summary.rttMs !== undefined && { rttMs: summary.rttMs }),
          ...(summary.connection && { connection: summary.connection }),
        });
      }
    };
    const timer = setInterval(() => {
      sample().catch((e: unknown) => console.warn('stats sample failed', e));
    }, 1000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [connection]);
  return stats;
}

export function StatsOverlay({ stats, stream }: { stats: ReceiveStats | undefined; stream: StreamInfo }) {
  const renderer = useView((s) => s.renderer);
  const layers = useView((s) => s.layers);
  const rows: [string, string][] = [
    ['Resolution', stats ? `${stats.width}×${stats.height}` : '–'],
    ['Frame rate', stats ? `${stats.fps} fps` : '–'],
    ['Bitrate', stats ? `${(stats.bitrateKbps / 1000).toFixed(2)} Mbps` : '–'],
    ['Packet loss', stats ? `${stats.lossPercent.toFixed(2)} %` : '–'],
    ['Round trip', stats?.rttMs !== undefined ? `${stats.rttMs} ms` : '–'],
    ['Jitter buffer', stats?.jitterBufferMs !== undefined ? `${stats.jitterBufferMs} ms` : '–'],
    [
      'Connection',
      stats?.connection === 'relay' ? 'TURN relay' : stats?.connection === 'direct' ? 'direct' : '–',
    ],
    ['Projection', `${stream.projection}${stream.swapEyes ? ' (eyes swapped)' : ''}`],
    ['Drawn by', renderer === 'media-layer' ? 'WebXR media layer' : 'sphere texture'],
    ['Layer', layerText(layers)],
  ];
  return (
    <dl className="stats-overlay" data-testid="stats">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "2 of 3 (bandwidth)": the spatial layer received (1 = lowest), and why it is below the viewer's choice. */
function layerText(layers: Layers | undefined): string {
  if (!layers) return 'one layer';
  if (layers.spatialLayer === null) return `none of ${layers.spatialLayers}`;
  const why =
    layers.spatialLayer < layers.ceiling
      ? ' (bandwidth)'
      : layers.ceiling < layers.spatialLayers - 1
        ? ' (your choice)'
        : '';
  return `${layers.spatialLayer + 1} of ${layers.spatialLayers}${why}`;
}
