import { useEffect, useState } from 'react';
import type { Source } from './sources';

/** Opens a source whenever its inputs change and stops the previous one; errors are reported, not thrown. */
export function useSource(
  open: () => Promise<Source | undefined>,
  deps: readonly unknown[],
): { track: MediaStreamTrack | undefined; error: string | undefined } {
  const [state, setState] = useState<{ track: MediaStreamTrack | undefined; error: string | undefined }>({
    track: undefined,
    error: undefined,
  });
  useEffect(() => {
    let source: Source | undefined;
    let cancelled = false;
    open().then(
      (s) => {
        if (cancelled) return s?.stop();
        source = s;
        setState({ track: s?.track, error: undefined });
      },
      (e: unknown) =>
        !cancelled && setState({ track: undefined, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      cancelled = true;
      source?.stop();
    };
    // The caller lists what `open` depends on, like useMemo.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
