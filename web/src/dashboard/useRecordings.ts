import { useCallback, useEffect, useState } from 'react';
import type { RecordingLibrary } from '@inclubit/sfu/protocol';
import { listRecordings } from './recordings-api';

const EVERY_MS = 2000;

/** The recordings library, read now and every 2 s while the dashboard is open; `refresh` reads it at once. */
export function useRecordings(token: string): {
  library: RecordingLibrary | undefined;
  error: string | undefined;
  refresh: () => void;
} {
  const [library, setLibrary] = useState<RecordingLibrary>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(() => {
    listRecordings(token).then(
      (l) => {
        setLibrary(l);
        setError(undefined);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [token]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, EVERY_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  return { library, error, refresh };
}
