import { describe, expect, it } from 'vitest';
import { AllowedHosts, hostnameOf } from './allowed-hosts.js';
import { redactUrl } from './redact.js';

describe('Host check (DNS rebinding)', () => {
  const hosts = new AllowedHosts(['class.example.org'], () => new Set(['127.0.0.1', '::1', '10.0.0.7']));
  it.each([
    ['localhost:3000', true],
    ['127.0.0.1:3000', true],
    ['[::1]:3000', true],
    ['10.0.0.7:3000', true],
    ['CLASS.example.org', true],
    ['class.example.org:443', true],
    ['evil.example:3000', false],
    ['10.0.0.8:3000', false],
    ['localhost.evil.example', false],
    ['', false],
    ['a b', false],
  ])('%s → %s', (host, allowed) => {
    expect(hosts.allows(hostnameOf(host))).toBe(allowed);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/ws?token=eyJ.a.b', '/ws?token=[redacted]'],
    ['/camera/x?t=eyJ.a.b&relay=1', '/camera/x?t=[redacted]&relay=1'],
    ['/api/token?%74oken=eyJ.a.b', '/api/token?%74oken=[redacted]'],
    ['/healthz', '/healthz'],
    ['/watch/x?relay=1', '/watch/x?relay=1'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
