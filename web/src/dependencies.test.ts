// Every package the web app imports is declared in web/package.json: one that resolves only because another
// workspace's dependency was hoisted breaks as soon as that other dependency changes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const web = path.resolve(import.meta.dirname, '..');
interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifest = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
const pkg = manifest(web);
// The workspace root declares the shared tools (vitest, typescript) for every workspace.
const root = manifest(path.resolve(web, '..'));
const declared = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.devDependencies ?? {}),
  ...Object.keys(root.devDependencies ?? {}),
]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return /\.(ts|tsx)$/.test(e.name) ? [file] : [];
  });
}

/** `zustand/vanilla` → `zustand`; `@react-three/xr` stays whole. */
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

describe('web dependencies', () => {
  it('declares every package it imports', () => {
    const used = new Set<string>();
    for (const file of sources(path.join(web, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('/')) continue;
        used.add(packageOf(spec));
      }
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((p) => !declared.has(p)).sort()).toEqual([]);
  });
});
