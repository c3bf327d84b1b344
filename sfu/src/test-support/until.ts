// Waits for something the service does in its own time (a process, a heartbeat, packets): polls `get` until
// it gives a value other than undefined or false, and fails naming `what` when `ms` pass first.
export async function until<T>(
  what: string,
  get: () => Promise<T | undefined> | T | undefined,
  { ms = 15_000, everyMs = 100 }: { ms?: number; everyMs?: number } = {},
): Promise<Exclude<T, false | undefined>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined && v !== false) return v as Exclude<T, false | undefined>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
