import { useEffect, useMemo, useReducer, useState } from 'react';
import type { RoomId } from '@inclubit/sfu/protocol';
import { SyntheticViewers } from './synthetic-viewers';
import { SyntheticGazers } from './synthetic-gazers';

declare global {
  interface Window {
    /** The page's viewers, for scripts that drive it (the benchmark). */
    inclubitLoadTest?: SyntheticViewers;
    /** Viewers without media that only report where they look (the presence benchmark). */
    inclubitGazers?: SyntheticGazers;
  }
}

/** /loadtest/:room — adds synthetic viewers to a room and shows how many are live. */
export function LoadTestPage({ room }: { room: RoomId }) {
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const viewers = useMemo(() => new SyntheticViewers(room, refresh), [room]);
  const [count, setCount] = useState(10);
  useEffect(() => {
    window.inclubitLoadTest = viewers;
    const gazers = (window.inclubitGazers = new SyntheticGazers(room));
    return () => {
      viewers.remove(Infinity);
      gazers.close();
      delete window.inclubitLoadTest;
      delete window.inclubitGazers;
    };
  }, [viewers, room]);

  const list = viewers.list();
  const byPhase = new Map<string, number>();
  for (const v of list) byPhase.set(v.phase, (byPhase.get(v.phase) ?? 0) + 1);
  return (
    <main className="page loadtest" data-viewers={list.length}>
      <h1>Load test · room {room}</h1>
      <p>
        Synthetic viewers: each is a real viewer connection (signaling, WebRTC, the camera&apos;s tracks) that
        shows nothing. Use them to see how the server and the network hold up before a class.
      </p>
      <p>
        <label>
          Viewers{' '}
          <input
            type="number"
            min={1}
            max={200}
            value={count}
            onChange={(e) => setCount(Math.max(1, Math.min(200, Number(e.target.value) || 1)))}
          />
        </label>{' '}
        <button type="button" onClick={() => viewers.add(count)}>
          Add
        </button>{' '}
        <button type="button" onClick={() => viewers.remove(count)}>
          Remove
        </button>
      </p>
      <ul className="loadtest-phases">
        {[...byPhase].map(([phase, n]) => (
          <li key={phase} data-phase={phase}>
            {phase}: {n}
          </li>
        ))}
      </ul>
    </main>
  );
}
