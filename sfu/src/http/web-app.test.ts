// The built web app as the service serves it (itself, or behind Caddy): hashed assets cached for good,
// pages always revalidated, client-side routes answered with the app, service paths never.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagePerTest } from '../test-support/stage.js';

const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-web-'));
fs.mkdirSync(path.join(dist, 'assets'));
fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
fs.writeFileSync(path.join(dist, 'manifest.webmanifest'), '{}');

const stage = stagePerTest({ WEB_DIST_DIR: dist });

describe('web app', () => {
  it('caches hashed assets for good and revalidates pages', async () => {
    const get = (url: string) => stage.service.app.inject({ method: 'GET', url });
    const asset = await get('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/watch/demo', '/camera/demo', '/dashboard']) {
      const res = await get(page);
      expect(res.statusCode, page).toBe(200);
      expect(res.body, page).toContain('<div id="root">');
      expect(res.headers['cache-control'], page).toBe('no-cache');
    }
    expect((await get('/manifest.webmanifest')).headers['cache-control']).toBe('no-cache');
    expect((await get('/assets/missing.js')).statusCode).toBe(404);
    expect((await get('/api/whatever')).json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
