import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Direction, PeerId, StreamInfo } from '@inclubit/sfu/protocol';
import { directionAt, inView } from './gaze-math';
import { drawPresence } from './draw-presence';
import type { RoomGazes } from './room-gazes';

/**
 * Where the class looks, over a picture of the camera's frame (`children`: the preview video, or a plain
 * grid): each sharing viewer's dot, name and field of view, the last minute's heat map on demand, how many
 * look at the spot under the pointer, and — when `onLook` is given — a click sends "look here" there.
 */
export function PresenceOverlay({
  gazes,
  stream,
  names,
  aspect,
  onLook,
  small = false,
  children,
}: {
  gazes: RoomGazes;
  stream: StreamInfo;
  names: ReadonlyMap<PeerId, string>;
  /** The frame's width over its height. */
  aspect: number;
  onLook?: ((direction: Direction) => void) | undefined;
  small?: boolean;
  children?: ReactNode;
}) {
  const canvas = useRef<PresenceCanvas>(null);
  const [heat, setHeat] = useState(false);
  const [hover, setHover] = useState<{ x: number; y: number; at: Direction }>();
  const cue = useSyncExternalStore(
    (changed) => gazes.subscribe(changed),
    () => gazes.cue,
  );
  // Who looks where changes a few times a second: the hover count follows it.
  const looking = useSyncExternalStore(
    (changed) => gazes.subscribe(changed),
    () => (hover ? countLooking(gazes, hover.at) : 0),
  );

  useEffect(() => gazes.startSampling(), [gazes]);

  // The page's own state, for whoever reads the page (tests): every dot drawn, asked for rather than
  // written out on each redraw.
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    el.presence = {
      dots: () =>
        [...gazes.gazes].map(([peerId, g]) => ({
          peerId,
          name: gazes.nameOf(peerId, names) ?? '',
          yaw: g.yaw,
          pitch: g.pitch,
        })),
    };
  }, [gazes, names]);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    let frame = 0;
    let cueEnd: ReturnType<typeof setTimeout> | undefined;
    let cueEndsAt = 0;
    const draw = () => {
      frame = 0;
      drawPresence(el, gazes, { stream, names, heat, small });
      // The cue's ring goes at its end, whether or not anything else changes then (timed once per cue).
      const endsAt = gazes.cue?.endsAt ?? 0;
      if (endsAt === cueEndsAt) return;
      cueEndsAt = endsAt;
      clearTimeout(cueEnd);
      if (endsAt > Date.now()) cueEnd = setTimeout(schedule, endsAt - Date.now() + 1);
    };
    const schedule = () => {
      frame ||= requestAnimationFrame(draw);
    };
    schedule();
    const unsubscribe = gazes.subscribe(schedule);
    const resized = new ResizeObserver(schedule);
    resized.observe(el);
    return () => {
      unsubscribe();
      resized.disconnect();
      cancelAnimationFrame(frame);
      clearTimeout(cueEnd);
    };
  }, [gazes, stream, names, heat, small]);

  const pointAt = (e: React.PointerEvent<HTMLDivElement> | React.MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = (e.clientX - box.left) / box.width;
    const y = (e.clientY - box.top) / box.height;
    return { x: x * box.width, y: y * box.height, at: directionAt(x, y, stream.projection, stream.swapEyes) };
  };

  return (
    <div className={`presence${small ? ' small' : ''}`}>
      <div
        className={`presence-frame${onLook ? ' clickable' : ''}`}
        data-testid="presence-frame"
        style={{ aspectRatio: String(aspect) }}
        aria-label={
          onLook ? 'where the viewers look; click to ask them to look there' : 'where the viewers look'
        }
        onPointerMove={(e) => setHover(pointAt(e))}
        onPointerLeave={() => setHover(undefined)}
        onClick={onLook && ((e) => onLook(pointAt(e).at))}
      >
        {children}
        {/* Out of the page while it has nothing to draw (drawPresence). */}
        <canvas ref={canvas} className="presence-overlay" data-testid="presence-overlay" />
        {hover && (
          <span className="presence-hover" style={{ left: hover.x, top: hover.y }} data-testid="looking-here">
            {looking} looking here
          </span>
        )}
      </div>
      <div className="presence-tools">
        <label className="inline">
          <input
            type="checkbox"
            checked={heat}
            onChange={(e) => setHeat(e.target.checked)}
            data-testid="heat-map"
          />
          Heat map (last minute)
        </label>
        {cue && (
          <span data-testid="cue-progress" data-seen={cue.seen} data-of={cue.of} data-ends-at={cue.endsAt}>
            “Look here”: {cue.seen} of {cue.of} have looked
          </span>
        )}
      </div>
    </div>
  );
}

/** The overlay's canvas, with what it shows for scripts to read. */
export type PresenceCanvas = HTMLCanvasElement & {
  presence?: { dots: () => { peerId: PeerId; name: string; yaw: number; pitch: number }[] };
};

/** How many viewers have `at` in their view. */
function countLooking(gazes: RoomGazes, at: Direction): number {
  let n = 0;
  for (const g of gazes.gazes.values()) if (inView(g, at)) n++;
  return n;
}
