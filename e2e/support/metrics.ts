// Reads the service's /metrics through a Prometheus text-format parser.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample: metric(url, 'inclubit_peers', { role: 'viewer' }); NaN when absent. */
export async function metric(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const families = parsePrometheusTextFormat(await (await fetch(`${baseUrl}/metrics`)).text());
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? NaN);
}
