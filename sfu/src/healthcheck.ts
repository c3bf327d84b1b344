// The container's HEALTHCHECK: exit 0 when this host's service answers /healthz with 200, else 1.
// Reads the same configuration as the service, so it probes the address the service listens on.
import { loadConfig } from './config.js';

const wildcard: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1', localhost: '127.0.0.1' };

try {
  const { http } = loadConfig();
  const host = wildcard[http.host] ?? http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${http.port}/healthz`;
  const res = await fetch(url, { signal: AbortSignal.timeout(2500) });
  process.exitCode = res.ok ? 0 : 1;
  if (!res.ok) process.stderr.write(`${url}: ${res.status}\n`);
} catch (error) {
  process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
