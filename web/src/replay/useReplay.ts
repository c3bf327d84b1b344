// A recording played segment after segment in one video element: play/pause, seek within the segment
// (clamped), seek by a step (the headset's thumbstick), choose a segment; the next segment follows the end of
// one by itself. State for rendering comes from the element's own events, never from a guess.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordingInfo } from '@inclubit/sfu/protocol';
import { playableFile, recordingFileUrl } from '../lib/recording-files';

export interface ReplayState {
  segment: number;
  playing: boolean;
  /** Seconds into the segment, and its length (NaN until known). */
  time: number;
  duration: number;
  /** The element has a frame to show. */
  hasPicture: boolean;
  error: string | undefined;
}

export interface Replay extends ReplayState {
  src: string | undefined;
  toggle: () => void;
  seek: (seconds: number) => void;
  seekBy: (seconds: number) => void;
  chooseSegment: (index: number) => void;
}

const initial: ReplayState = {
  segment: 0,
  playing: false,
  time: 0,
  duration: Number.NaN,
  hasPicture: false,
  error: undefined,
};

export function useReplay(
  video: HTMLVideoElement | null,
  info: RecordingInfo | undefined,
  token: string | undefined,
): Replay {
  const [state, setState] = useState<ReplayState>(initial);
  /** The segment about to load should play at once (the previous one ended, or was left while playing). */
  const playNext = useRef(false);
  const segment = info?.segments[state.segment];
  const src = info && segment && recordingFileUrl(info.id, playableFile(segment), { token });

  useEffect(() => {
    if (!video) return;
    const read = () =>
      setState((s) => ({
        ...s,
        playing: !video.paused && !video.ended,
        time: video.currentTime,
        duration: video.duration,
        hasPicture: video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA,
      }));
    const ended = () =>
      setState((s) => {
        const next = s.segment + 1;
        if (!info || next >= info.segments.length) return { ...s, playing: false };
        playNext.current = true;
        return { ...initial, segment: next };
      });
    const failed = () =>
      setState((s) => ({ ...s, error: video.error?.message || 'this file cannot be played here' }));
    const events = ['play', 'pause', 'timeupdate', 'durationchange', 'loadeddata', 'seeked', 'emptied'];
    for (const e of events) video.addEventListener(e, read);
    video.addEventListener('ended', ended);
    video.addEventListener('error', failed);
    return () => {
      for (const e of events) video.removeEventListener(e, read);
      video.removeEventListener('ended', ended);
      video.removeEventListener('error', failed);
    };
  }, [video, info]);

  // A segment that follows another, or one chosen while playing, plays on by itself.
  useEffect(() => {
    if (!video || !src || !playNext.current) return;
    playNext.current = false;
    video.play().catch((e: unknown) => setState((s) => ({ ...s, error: String(e) })));
  }, [video, src]);

  const toggle = useCallback(() => {
    if (!video) return;
    if (video.paused || video.ended)
      video.play().catch((e: unknown) => setState((s) => ({ ...s, error: String(e) })));
    else video.pause();
  }, [video]);

  const seek = useCallback(
    (seconds: number) => {
      if (!video || !Number.isFinite(video.duration)) return;
      video.currentTime = Math.min(Math.max(0, seconds), video.duration);
    },
    [video],
  );

  const seekBy = useCallback((step: number) => video && seek(video.currentTime + step), [video, seek]);

  const chooseSegment = useCallback(
    (index: number) => {
      playNext.current = video !== null && !video.paused;
      setState({ ...initial, segment: index });
    },
    [video],
  );

  return { ...state, src, toggle, seek, seekBy, chooseSegment };
}
