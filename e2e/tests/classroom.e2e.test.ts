// Classroom mode (`npm start -- --lan`): the service serves HTTPS on a LAN address — here the host end of a
// veth pair — with a certificate it made for that address. The camera page runs on this machine; two viewers
// run in a network namespace (other devices on the classroom network), decode video and audio, and one
// enters VR in the emulated headset. A plain http:// page on a LAN address says it needs https.
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import type { Netns } from '../support/netns.js';
import { networkStagePerTest } from '../support/network-stage.js';
import { freePort, startService } from '../support/service.js';
import { metric } from '../support/metrics.js';
import { openViewer } from '../support/viewer.js';
import { selectedPairs, waitForMediaFlow } from '../support/webrtc.js';
import { inSession, installHeadset } from '../support/xr-emulator.js';

const PASSWORD = 'classroom-operator-password';
const stage = networkStagePerTest();

/** The certificate the server presents, read without trusting it. */
function servedCertificate(host: string, port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (cert) resolve(cert);
      else reject(new Error('no certificate'));
    });
    socket.on('error', reject);
  });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
/** An HTTP(S) request; HTTPS checked against `ca` only (the local CA), with the address as the name. */
function request(url: string, opts: { ca?: string; method?: string; body?: unknown; token?: string } = {}) {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise<Answer>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      ...(payload && { 'content-type': 'application/json' }),
      ...(opts.token && { authorization: `Bearer ${opts.token}` }),
    };
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = url.startsWith('https:')
      ? https.request(url, { method: opts.method ?? 'GET', headers, ca: opts.ca }, done)
      : http.request(url, { method: opts.method ?? 'GET', headers }, done);
    req.on('error', reject);
    req.end(payload);
  });
}

/** The certificate is this machine's own: a headset accepts it once; the test browser is told to. */
const browser = (where: Netns | undefined): Promise<Browser> =>
  stage.browser(where, ['--ignore-certificate-errors']);

describe('classroom mode on the LAN', () => {
  it('serves HTTPS on the LAN address: a local camera, two viewers on other devices, one in VR', async () => {
    const ns = await stage.network('ib-lan', 83);
    const lanIp = ns.hostIp;
    const port = await freePort();
    const service = await stage.start(
      { PORT: String(port), HOST: '', LAN_ADDRESSES: lanIp, OPERATOR_PASSWORD: PASSWORD },
      ['--lan'],
    );
    const base = `https://${lanIp}:${port}`;
    expect(service.url).toBe(base);
    // The banner follows the "running" line.
    const banner = () => service.logs.join('\n');
    await expect.poll(banner).toContain(`${base}/ca.crt`);
    expect(banner()).toContain(`${base}/watch/demo`);

    // The certificate names the LAN address and chains to the CA the service offers for download.
    const served = await servedCertificate(lanIp, port);
    expect(served.checkIP(lanIp)).toBe(lanIp);
    const caPem = await fetchCaInsecurely(lanIp, port);
    expect(served.checkIssued(new X509Certificate(caPem))).toBe(true);
    const health = await request(`${base}/healthz`, { ca: caPem });
    expect(health.status).toBe(200);

    // Plain http:// on the same port is sent to https://, path and query kept.
    const plain = await request(`http://${lanIp}:${port}/watch/demo?x=1`);
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`${base}/watch/demo?x=1`);

    // The operator makes the links, as the dashboard does; the camera needs its token in classroom mode.
    const login = await request(`${base}/api/login`, {
      ca: caPem,
      method: 'POST',
      body: { password: PASSWORD },
    });
    const { token } = JSON.parse(login.body) as { token: string };
    const links = await request(`${base}/api/links`, {
      ca: caPem,
      method: 'POST',
      body: { room: 'lan' },
      token,
    });
    const { camera, viewer } = JSON.parse(links.body) as { camera: string; viewer: string };
    expect(new URL(viewer).origin).toBe(base);
    await startCamera(await browser(undefined), camera);

    // Two devices on the classroom network: each its own browser in the namespace.
    const onLan = await browser(ns);
    const first = await openViewer(onLan, `${base}/watch/lan`);
    const second = await openViewer(await browser(ns), `${base}/watch/lan`);
    // Video decoded and audio received (openViewer waits for both); their ICE pairs cross the LAN link.
    for (const page of [first, second]) {
      const flow = await waitForMediaFlow(page, 'LAN viewer');
      expect(flow.frames).toBeGreaterThan(0);
      expect(flow.audioSamples).toBeGreaterThan(0);
      // (Polled: on a loaded machine a connection may be between consent checks for a moment.)
      await expect
        .poll(async () => (await selectedPairs(page)).map((p) => p.localAddress))
        .toContain(ns.nsIp);
    }

    // A headset among them enters VR.
    const { context, page: headset } = await newPage(onLan);
    await installHeadset(context);
    await headset.goto(`${base}/watch/lan`);
    await headset.locator('main[data-phase="live"]').waitFor({ timeout: 30_000 });
    await headset.getByRole('button', { name: 'Enter VR' }).click();
    await expect.poll(() => inSession(headset)).toBe(true);
  });

  it('a port already in use: the second start names PORT and exits non-zero', async () => {
    const port = await freePort();
    await stage.start({ PORT: String(port) });
    const second = await startService({ PORT: String(port) }).then(
      async (s) => (await s.stop(), 'started'),
      (e: unknown) => String(e),
    );
    expect(second).toMatch(/service exited with 1/);
    expect(second).toContain(`PORT: port ${port} on 127.0.0.1 is already in use`);
  });

  it('a page opened over plain http:// on a LAN address says it needs https and links there', async () => {
    const ns = await stage.network('ib-http', 84);
    const port = await freePort();
    await stage.start({
      PORT: String(port),
      HOST: ns.hostIp,
      RTC_LISTEN_IP: ns.hostIp,
      TOKEN_SECRET: 'plain-http-test-secret-0123456789abcdef',
    });
    const { page } = await newPage(await browser(ns));
    await page.goto(`http://${ns.hostIp}:${port}/watch/demo`);
    const notice = page.getByTestId('insecure-context');
    await notice.waitFor();
    expect(await notice.locator('a').getAttribute('href')).toBe(`https://${ns.hostIp}:${port}/watch/demo`);
    // It does not join, drop and resume in a loop: no peer ever reaches the server.
    await page.waitForTimeout(3000);
    const joins = await metric(`http://${ns.hostIp}:${port}`, 'inclubit_peer_sessions_total', {
      kind: 'join',
    });
    expect(Number.isNaN(joins) ? 0 : joins).toBe(0);
  });
});

/** The CA from /ca.crt, fetched before anything is trusted (as a headset's first visit does). */
function fetchCaInsecurely(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host, port, path: '/ca.crt', rejectUnauthorized: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
