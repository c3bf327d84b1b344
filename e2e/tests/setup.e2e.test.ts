// `npm start` on a machine that lacks a Debian package the worker build needs: it names the package and why,
// and installs it — as root directly; without root or sudo it stops with the exact command. Proven without a
// second machine: stand-ins for dpkg-query (says patchelf is not installed) and apt-get (records what it is
// asked and refuses to install, so nothing on this machine changes) go first on PATH, and the worker cache is
// an empty directory, so the start-up reaches the worker build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

interface Stage {
  bin: string;
  aptLog: string;
  cache: string;
}

/** A PATH directory with stand-ins; `asUser` also makes `id -u` say 1000 and sudo refuse. */
function stage({ asUser = false } = {}): Stage {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inclubit-setup-'));
  dirs.push(dir);
  const bin = path.join(dir, 'bin');
  const cache = path.join(dir, 'worker-cache');
  const aptLog = path.join(dir, 'apt.log');
  fs.mkdirSync(bin);
  fs.mkdirSync(cache);
  fs.writeFileSync(aptLog, '');
  const script = (name: string, body: string) =>
    fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  script(
    'dpkg-query',
    `for a in "$@"; do [ "$a" = patchelf ] && exit 1; done\nexec /usr/bin/dpkg-query "$@"`,
  );
  script(
    'apt-get',
    `echo "$*" >>'${aptLog}'\ncase "$1" in\n  source) exec /usr/bin/apt-get "$@" ;;\n  update) exit 0 ;;\n  *) echo "E: (test stand-in) not installing" >&2; exit 100 ;;\nesac`,
  );
  if (asUser) {
    script('id', `[ "$1" = -u ] && { echo 1000; exit 0; }\nexec /usr/bin/id "$@"`);
    script('sudo', 'echo "sudo: a password is required" >&2\nexit 1');
  }
  return { bin, aptLog, cache };
}

/**
 * `npm start`, as the README says. Where mediasoup downloaded its own worker (a machine with internet) there is
 * no build to reach, so the worker build script is run the way setup.sh runs it, with --force.
 */
async function run(s: Stage): Promise<{ code: number | null; output: string }> {
  // First the real set-up (a no-op after npm test's own): with the stand-ins, an outdated npm install would
  // be redone without the worker cache, and this suite's node_modules would go with it.
  const ready = await new Promise<number | null>((resolve) =>
    spawn('bash', ['infra/scripts/setup.sh', 'deps'], { cwd: repo, stdio: 'ignore' }).on('exit', resolve),
  );
  expect(ready, 'setup.sh deps').toBe(0);
  const offlineBuild = fs.existsSync(
    path.join(repo, 'node_modules/mediasoup/worker/out/Release/.inclubit-build'),
  );
  const [cmd, args] = offlineBuild
    ? ['npm', ['start']]
    : ['bash', ['infra/scripts/build-mediasoup-worker.sh', '--force']];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: repo,
      env: { ...process.env, PATH: `${s.bin}:${process.env.PATH}`, WORKER_CACHE_DIR: s.cache, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // Never a service left running, whatever went wrong.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm start installs what the worker build needs', () => {
  it('as root: names the missing package and why, and runs apt-get install for it', async () => {
    const s = stage();
    const { code, output } = await run(s);
    expect(output).toContain('missing patchelf — points the worker at its own libsrtp');
    const apt = fs.readFileSync(s.aptLog, 'utf8');
    expect(apt).toMatch(/^install .*\bpatchelf\b/m);
    // The stand-in refused, so the start stops with the reason, and nothing else was installed.
    expect(output).toContain('apt-get install failed: patchelf');
    expect(apt).not.toMatch(/^install .*\bcoturn\b/m);
    expect(code).not.toBe(0);
  });

  it('without root or sudo: stops with the exact command to run, installs nothing', async () => {
    const s = stage({ asUser: true });
    const { code, output } = await run(s);
    expect(output).toContain('missing patchelf');
    expect(output).toContain(
      `installing needs root: run  sudo bash ${repo}/infra/scripts/install-system-deps.sh build`,
    );
    expect(fs.readFileSync(s.aptLog, 'utf8')).not.toMatch(/^(install|update)/m);
    expect(code).not.toBe(0);
  });

  it('installs nothing on a machine that has everything (npm test set this one up)', async () => {
    const s = stage();
    // Without the stand-in dpkg-query: the machine's real package state.
    fs.rmSync(path.join(s.bin, 'dpkg-query'));
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('bash', ['infra/scripts/install-system-deps.sh', 'test'], {
        cwd: repo,
        env: { ...process.env, PATH: `${s.bin}:${process.env.PATH}` },
      });
      let output = '';
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(result.output).toContain('all packages present (test)');
    expect(result.code).toBe(0);
    expect(fs.readFileSync(s.aptLog, 'utf8')).not.toMatch(/^(install|update)/m);
  });
});
