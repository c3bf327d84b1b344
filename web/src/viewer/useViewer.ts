import { useEffect, useRef, useState } from 'react';
import { defaultStreamInfo, defaultTalkback, type RoomId } from '@inclubit/sfu/protocol';
import { ViewerConnection, type ViewerState } from './viewer-connection';
import type { VoiceState } from './viewer-voice';
import { useView, viewStore } from './view-store';
import { wantedFrameWidth } from './projection';
import { DEFAULT_FOV } from './LookControls';
import { startGazeReports } from '../presence/gaze-reporter';
import { gazeNow, onGazeFrame, receiveCue, viewerPresence } from '../presence/viewer-presence';

const NAME_KEY = 'inclubit.displayName';

/** The name this browser watched under last time (the camera page lists viewers by it). */
export const rememberedName = (): string => localStorage.getItem(NAME_KEY) ?? '';

/** Watches a room for as long as the component is mounted. */
export function useViewer(room: RoomId): {
  state: ViewerState;
  voice: VoiceState;
  connection: ViewerConnection | undefined;
  setName: (name: string) => void;
} {
  const [state, setState] = useState<ViewerState>({
    phase: 'connecting',
    tracks: [],
    stream: defaultStreamInfo,
    recording: false,
  });
  const [voice, setVoice] = useState<VoiceState>({ policy: defaultTalkback, on: false });
  const [connection, setConnection] = useState<ViewerConnection>();
  const latest = useRef<ViewerConnection>(undefined);
  useEffect(() => {
    const name = rememberedName().trim();
    const c: ViewerConnection = new ViewerConnection(room, setState, {
      onVoice: setVoice,
      onLayers: (layers) => viewStore.setState({ layers }),
      onCue: receiveCue,
      onPeer: () => gaze.reporter.rejoined(),
      ...(name && { displayName: name }),
    });
    // Where the page looks goes to the teacher while the pupil lets it, looked at in every frame drawn.
    const gaze = startGazeReports(
      () => gazeNow.gaze,
      (g) => c.reportGaze(g),
      {
        now: () => viewerPresence.getState().sharing,
        subscribe: (on) =>
          viewerPresence.subscribe((s, before) => {
            if (s.sharing !== before.sharing) on(s.sharing);
          }),
      },
      onGazeFrame,
    );
    latest.current = c;
    setConnection(c);
    c.start();
    return () => {
      gaze.stop();
      c.stop();
    };
  }, [room]);
  useQualityChoice(connection);
  const setName = (name: string) => {
    localStorage.setItem(NAME_KEY, name);
    if (name.trim()) latest.current?.setDisplayName(name.trim());
  };
  return { state, voice, connection, setName };
}

/**
 * Sends the viewer's quality choice, and how wide a 360° frame this window can show (it caps Auto), now and
 * whenever either changes (a resize settles for half a second first).
 */
function useQualityChoice(connection: ViewerConnection | undefined): void {
  const quality = useView((s) => s.quality);
  useEffect(() => {
    if (!connection) return;
    const send = () =>
      connection.setQuality({
        quality,
        wantedWidth: wantedFrameWidth(innerWidth, innerHeight, devicePixelRatio, DEFAULT_FOV),
      });
    send();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const resized = () => {
      clearTimeout(timer);
      timer = setTimeout(send, 500);
    };
    addEventListener('resize', resized);
    return () => {
      clearTimeout(timer);
      removeEventListener('resize', resized);
    };
  }, [connection, quality]);
}
