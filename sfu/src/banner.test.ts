// The start banner: nothing secret in the log lines; the terminal's QR code really encodes the viewer link
// (read back from the printed characters with a QR decoder).
import { describe, expect, it } from 'vitest';
import { renderBanner, terminalQr, type BannerFacts } from './banner.js';
import { readQr } from './test-support/qr.js';

/** Turns the half-block drawing back into pixels: each character is two modules, top and bottom. */
function qrPixels(text: string) {
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const width = Math.max(...lines.map((l) => [...l].length));
  const scale = 4;
  const rows: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line.padEnd(width, ' ')];
    rows.push(chars.map((c) => c === '█' || c === '▀'));
    rows.push(chars.map((c) => c === '█' || c === '▄'));
  }
  const w = width * scale;
  const h = rows.length * scale;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const dark = rows[Math.floor(y / scale)]![Math.floor(x / scale)];
      data.fill(dark ? 0 : 255, (y * w + x) * 4, (y * w + x) * 4 + 3);
      data[(y * w + x) * 4 + 3] = 255;
    }
  return { data, w, h };
}

const facts: BannerFacts = {
  base: 'https://192.168.1.20:3000',
  lanBases: ['https://192.168.1.20:3000', 'https://10.0.0.7:3000'],
  caFingerprint: 'AB:CD',
  certificate: { status: 'renewed', names: ['192.168.1.20'], previousNames: ['192.168.1.19'] },
  rtcPorts: '40000–40001',
  httpPort: 3000,
  viewer: 'https://192.168.1.20:3000/watch/demo',
  camera: { url: 'https://192.168.1.20:3000/camera/demo?t=secret.camera.token', hasToken: true },
  dashboard: 'https://192.168.1.20:3000/dashboard',
  dashboardWithToken: 'https://192.168.1.20:3000/dashboard?t=secret.operator.token',
  operatorTokenTtlMin: 60,
};

describe('start banner', () => {
  it('draws a QR code a phone can read: the viewer link', async () => {
    const link = 'https://192.168.1.20:3000/watch/demo';
    const { data, w, h } = qrPixels(await terminalQr(link));
    expect(readQr(data, w, h)).toBe(link);
  });

  it('logs the LAN links, the certificate change and the CA, but no token', async () => {
    const banner = await renderBanner(facts);
    const log = banner.log.join('\n');
    expect(log).toContain('https://192.168.1.20:3000/watch/demo');
    expect(log).toContain('https://10.0.0.7:3000/watch/demo');
    expect(log).toContain('the LAN address changed (certificate was for 192.168.1.19)');
    expect(log).toContain('https://192.168.1.20:3000/ca.crt');
    expect(log).toContain('UDP+TCP 40000–40001');
    expect(log).not.toContain('secret');
    expect(banner.terminal).toContain('secret.camera.token');
    expect(banner.terminal).toContain('secret.operator.token');
    expect(banner.terminal).toContain('▀');
  });
});
