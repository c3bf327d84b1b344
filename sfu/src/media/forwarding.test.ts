import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { udpBufferAdvice, wantedUdpReceiveBuffer } from './forwarding.js';

const procSys = (rmemDefault: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'proc-sys-'));
  writeFileSync(path.join(dir, 'rmem_default'), `${rmemDefault}\n`);
  return dir;
};

describe('UDP receive buffer advice', () => {
  it("names the host's size and the exact sysctl when the default is small", () => {
    const advice = udpBufferAdvice(procSys('212992'));
    expect(advice).toContain('208 KiB');
    expect(advice).toContain(`sysctl -w net.core.rmem_default=${wantedUdpReceiveBuffer}`);
  });

  it('says nothing when the host already gives enough, or has no /proc', () => {
    expect(udpBufferAdvice(procSys(String(wantedUdpReceiveBuffer)))).toBeUndefined();
    expect(udpBufferAdvice('/no/such/dir')).toBeUndefined();
  });
});
