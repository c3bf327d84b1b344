import { useEffect, useState } from 'react';

/** Whether this browser can open an immersive VR session (undefined while asking). */
export function useImmersiveSupport(): boolean | undefined {
  const [supported, setSupported] = useState<boolean>();
  useEffect(() => {
    let cancelled = false;
    const xr = (navigator as Navigator & { xr?: XRSystem }).xr;
    if (!xr) {
      setSupported(false);
      return;
    }
    xr.isSessionSupported('immersive-vr').then(
      (ok) => !cancelled && setSupported(ok),
      () => !cancelled && setSupported(false),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return supported;
}
