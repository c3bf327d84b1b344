// The cluster as this node sees it (GET /api/cluster), refreshed every few seconds while the dashboard is
// open; undefined on a node that is alone (the API answers not_found) or before the first answer.
import { useEffect, useState } from 'react';
import { ClusterView } from '@inclubit/sfu/protocol';
import { callApi } from '../lib/http-api';
import { RequestError } from '../lib/errors';

export function useCluster(token: string, intervalMs = 2000): ClusterView | undefined {
  const [view, setView] = useState<ClusterView>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await callApi('/api/cluster', { method: 'GET', token }, ClusterView);
        if (!stopped) setView(next);
      } catch (e) {
        // Alone: nothing to show, and nothing to ask again.
        if (e instanceof RequestError && e.code === 'not_found') return;
      }
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token, intervalMs]);
  return view;
}
