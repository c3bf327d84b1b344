// Deployment, exactly as the README's "Deploy on a server" says: example.env → .env with the required
// settings, `docker compose up -d --build` of the real compose.yaml (Caddy + SFU + coturn, and the cluster's
// Redis: the .env of a cluster's origin site, README "Several servers") on a real Docker
// engine, then the dashboard, a camera and viewers over HTTPS. The browsers run in a network namespace of
// this test, so they reach the server at a real (non-loopback) address, as on a school network, and the
// production coturn configuration relays to the SFU there.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import tls from 'node:tls';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { StartedDockerComposeEnvironment } from 'testcontainers';
import { cspViolations, launchBrowser, newPage } from '../support/browser.js';
import { startCamera } from '../support/camera.js';
import { chromiumIn, createNetns, type Netns } from '../support/netns.js';
import {
  compose,
  composeUp,
  execInService,
  readFromService,
  requireDocker,
  runScript,
  writeEnvFile,
} from '../support/compose.js';
import { selectedPairs, waitFor, waitForMediaFlow } from '../support/webrtc.js';

const secrets = {
  TOKEN_SECRET: randomBytes(36).toString('base64'),
  TURN_SECRET: randomBytes(24).toString('base64url'),
  OPERATOR_PASSWORD: randomBytes(12).toString('base64url'),
};
// The origin site of several servers (README "Several servers"): the same stack with the cluster's Redis.
const redisPassword = randomBytes(24).toString('base64url');
const cluster = {
  COMPOSE_PROFILES: 'cluster',
  REDIS_PASSWORD: redisPassword,
  CLUSTER_REDIS_URL: `redis://:${redisPassword}@127.0.0.1:6379`,
  NODE_ID: 'site-1',
};

let ns: Netns | undefined;
let envFile: string | undefined;
let stack: StartedDockerComposeEnvironment | undefined;
let browser: Browser | undefined;
let origin: string;
let rootCa: string;

/** GET over HTTPS trusting only Caddy's own CA; the body is decompressed by nobody (we check encoding). */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const lib = url.startsWith('https:') ? https : http;
      const req = lib.get(url, { ca: rootCa, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
    },
  );
}

/** The served certificate's public key hash, for Chromium's --ignore-certificate-errors-spki-list. */
function servedKeyHash(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: 443, ca: rootCa }, () => {
      const cert = new X509Certificate(socket.getPeerX509Certificate()!.raw);
      socket.end();
      const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
      resolve(createHash('sha256').update(spki).digest('base64'));
    });
    socket.on('error', reject);
  });
}

async function page(): Promise<Page> {
  return (await newPage(browser!)).page;
}

beforeAll(async () => {
  await requireDocker();
  await runScript('infra/scripts/make-local-base-images.sh');
  ns = await createNetns('ib-deploy', 77);
  envFile = await writeEnvFile({ DOMAIN: ns.hostIp, PUBLIC_IP: ns.hostIp, ...secrets, ...cluster });
  const started = Date.now();
  stack = await composeUp(envFile);
  console.log(`[deploy] docker compose up -d --build: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  origin = `https://${ns.hostIp}`;
  rootCa = await readFromService('caddy', '/data/caddy/pki/authorities/local/root.crt');
  await waitFor(
    () =>
      get(`${origin}/healthz`).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    (s) => s === 200,
    { timeoutMs: 60_000, intervalMs: 500, what: 'https /healthz through Caddy' },
  );
  browser = await launchBrowser({
    executablePath: await chromiumIn(ns),
    args: [`--ignore-certificate-errors-spki-list=${await servedKeyHash(ns.hostIp)}`],
  });
}, 40 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (stack) {
    // DEPLOY_LOGS=1 prints the services' last lines before they go (for a failing run).
    if (process.env.DEPLOY_LOGS)
      console.log((await compose(envFile!, ['logs', '--no-color', '--tail', '40'])).output);
    await stack.down({ removeVolumes: true, timeout: 20_000 });
  }
  await ns?.remove();
  if (envFile) await fs.rm(path.dirname(envFile), { recursive: true, force: true });
}, 120_000);

describe('docker compose deployment (Caddy + SFU + coturn)', () => {
  it('serves the web app over HTTPS with security headers, compression and SPA routes', async () => {
    const index = await get(`${origin}/watch/classroom`);
    expect(index.status).toBe(200);
    expect(index.body.toString()).toContain('<div id="root">');
    expect(index.headers['cache-control']).toBe('no-cache');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers.server).toBeUndefined();

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.body.toString())?.[1];
    expect(script).toBeDefined();
    const asset = await get(`${origin}${script}`, { 'accept-encoding': 'gzip' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toContain('immutable');

    // Plain HTTP is only a redirect to HTTPS.
    const plain = await get(`http://${ns!.hostIp}/watch/classroom`);
    expect(plain.status).toBeGreaterThanOrEqual(301);
    expect(plain.headers.location).toBe(`${origin}/watch/classroom`);
  });

  it('proxies signaling, the API and /healthz to the SFU, and keeps /metrics and /readyz private', async () => {
    const health = await get(`${origin}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok' });
    expect((await get(`${origin}/metrics`)).status).toBe(404);
    expect((await get(`${origin}/readyz`)).status).toBe(404);
    // ...which the server itself still answers on loopback, for a local scraper.
    expect((await get('http://127.0.0.1:3000/metrics')).body.toString()).toContain('inclubit_');
  });

  it('a camera goes live through Caddy; two viewers decode, one relay-only through coturn', async () => {
    // The operator's first steps: log in, make links for a room.
    const dashboard = await page();
    await dashboard.goto(`${origin}/dashboard`);
    await dashboard.getByLabel('Password').fill(secrets.OPERATOR_PASSWORD);
    await dashboard.getByRole('button', { name: 'Log in' }).click();
    await dashboard.getByLabel('new room code').fill('classroom');
    await dashboard.getByRole('button', { name: 'Create links' }).click();
    const link = async (id: string) => (await dashboard.getByTestId(id).locator('a').getAttribute('href'))!;
    const cameraLink = await link('camera-link');
    const viewerLink = await link('viewer-link');
    expect(cameraLink.startsWith(`${origin}/camera/classroom?t=`)).toBe(true);

    const camera = await startCamera(browser!, cameraLink);
    const direct = await page();
    const relayed = await page();
    await direct.goto(viewerLink);
    await relayed.goto(`${viewerLink}&relay=1`);
    for (const [name, viewer] of [
      ['direct viewer', direct],
      ['relay-only viewer', relayed],
    ] as const) {
      await viewer.locator('main[data-phase="live"]').waitFor({ timeout: 30_000 });
      const flow = await waitForMediaFlow(viewer, `${name} media`, 30_000);
      console.log(`[deploy] ${name}: ${flow.frames} frames/s, ${flow.frameWidth}x${flow.frameHeight}`);
    }
    const pairs = async (p: Page) =>
      (await selectedPairs(p)).map((s) => `${s.localType}/${s.relayProtocol ?? '-'}`);
    // Through coturn, over whichever of its transports ICE chose (UDP usually; TCP when it answers first).
    const relayedPairs = await pairs(relayed);
    console.log(`[deploy] relay-only viewer's path: ${relayedPairs.join(', ')}`);
    expect(relayedPairs.length).toBeGreaterThan(0);
    expect(relayedPairs.every((s) => s.startsWith('relay/'))).toBe(true);
    expect((await pairs(direct)).every((s) => !s.startsWith('relay'))).toBe(true);

    for (const p of [dashboard, camera, direct, relayed]) expect(await cspViolations(p)).toEqual([]);
  });

  it("serves TURNS with Caddy's certificate for the domain", async () => {
    const subject = await waitFor(
      () =>
        new Promise<string>((resolve) => {
          const socket = tls.connect({ host: ns!.hostIp, port: 5349, ca: rootCa }, () => {
            resolve(socket.getPeerX509Certificate()?.subjectAltName ?? 'no certificate');
            socket.end();
          });
          socket.on('error', (e: Error) => resolve(e.message));
        }),
      (s) => s.includes(ns!.hostIp),
      { timeoutMs: 60_000, intervalMs: 1000, what: 'TURNS on 5349 with a certificate for the domain' },
    );
    expect(subject).toContain(`IP Address:${ns!.hostIp}`);
  });

  it('runs the cluster’s Redis with the profile, password required; the node registers and claims its room', async () => {
    const cli = (...args: string[]) =>
      execInService('redis', ['redis-cli', '-a', redisPassword, '--no-auth-warning', ...args]);
    await waitFor(
      () => cli('exists', 'inclubit:node:site-1').then((r) => r.output.trim()),
      (out) => out === '1',
      { timeoutMs: 15_000, intervalMs: 500, what: 'the node record in Redis' },
    );
    const record = JSON.parse((await cli('get', 'inclubit:node:site-1')).output) as { httpUrl: string };
    expect(record.httpUrl).toBe(origin);
    // The camera of the test above made this node its room's origin.
    expect((await cli('get', 'inclubit:room:classroom:origin')).output.trim()).toBe('site-1');
    // Without the password Redis answers nothing.
    const anonymous = await execInService('redis', ['redis-cli', 'get', 'inclubit:node:site-1']);
    expect(anonymous.output).toContain('NOAUTH');
  });

  it.each([
    ['TOKEN_SECRET', 'change-me-to-a-long-random-secret-value', 'TOKEN_SECRET: still the example value'],
    ['TURN_SECRET', '', 'TURN_SECRET: required'],
    ['OPERATOR_PASSWORD', 'change-me-please', 'OPERATOR_PASSWORD: a default password'],
  ])('the sfu service refuses to start with an unsafe %s and names it', async (name, value, message) => {
    // The service's own start command, in its running container (compose's environment), with one setting changed.
    const result = await execInService('sfu', ['env', `${name}=${value}`, 'node', 'sfu/dist/main.js']);
    expect(result.code).toBe(1);
    expect(result.output).toContain('refusing to start: unsafe production configuration');
    expect(result.output).toContain(message);
  });
});
