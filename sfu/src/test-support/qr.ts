// Reads a QR code from RGBA pixels (tests: the dashboard's QR image, the terminal banner's QR drawing).
import jsQRModule from 'jsqr';

// jsqr is CommonJS with an ES-style default export in its types: take the function either way.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

export function readQr(rgba: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR(rgba, width, height)?.data;
}
