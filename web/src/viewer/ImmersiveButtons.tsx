import { xrStore } from './xr-store';
import { recenter } from './view-store';
import { useImmersiveSupport } from './useImmersiveSupport';

/** Enter VR (or why not), Recenter and Full screen: the same for a live room and a replay. */
export function ImmersiveButtons() {
  const immersive = useImmersiveSupport();
  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen();
  };
  return (
    <>
      {immersive ? (
        <button type="button" className="enter-vr" onClick={() => void xrStore.enterVR()}>
          Enter VR
        </button>
      ) : (
        immersive === false && (
          <span className="hint" data-testid="no-vr">
            VR needs a headset browser (open this link there)
          </span>
        )
      )}
      <button type="button" onClick={recenter}>
        Recenter
      </button>
      <button type="button" onClick={fullscreen}>
        Full screen
      </button>
    </>
  );
}
