// One line of what the camera really sends: what the browser negotiated and measures, not what was asked.
import type { SenderStats } from './camera-broadcast';

const mbps = (bps: number) => `${(bps / 1e6).toFixed(1)} Mbps`;

export function SenderStrip({
  stats,
  capture,
}: {
  stats: SenderStats;
  capture: MediaTrackSettings | undefined;
}) {
  return (
    <p className="sender-strip" data-testid="sender-stats" role="status">
      <span>{mbps(stats.bitrateBps)}</span>
      {stats.width !== undefined && (
        <span data-testid="sent-size">
          {stats.width}×{stats.height}
        </span>
      )}
      {stats.fps !== undefined && <span>{Math.round(stats.fps)} fps</span>}
      {capture?.width !== undefined && (
        <span title="what the camera delivers">
          capture {capture.width}×{capture.height}
          {capture.frameRate !== undefined && `@${Math.round(capture.frameRate)}`}
        </span>
      )}
      <span data-testid="quality-limitation">limited by: {stats.qualityLimitation ?? '?'}</span>
      {stats.rttMs !== undefined && <span>RTT {stats.rttMs} ms</span>}
      {stats.layersRefused && (
        <span data-testid="layers-refused" className="warning">
          one layer only: this browser cannot send layers with this codec
        </span>
      )}
      {stats.layers.length > 1 && (
        <span data-testid="sent-layers" data-plan={stats.plan}>
          layers:{' '}
          {stats.layers.map((l, i) => (
            <span key={l.rid ?? i} data-testid="sent-layer" data-sending={l.sending}>
              {l.width ?? '?'}×{l.height ?? '?'}
              {l.fps !== undefined && ` ${Math.round(l.fps)} fps`} {mbps(l.bitrateBps)}
              {!l.sending &&
                ` (dropped${l.qualityLimitation && l.qualityLimitation !== 'none' ? `: ${l.qualityLimitation}` : ''})`}
            </span>
          ))}
        </span>
      )}
    </p>
  );
}
