// The service's HTTP API from a page: bodies encoded as the protocol says, answers decoded with the
// protocol's schemas (never cast), every failure a RequestError.
import type { z } from 'zod';
import { HttpErrorBody } from '@inclubit/sfu/protocol';
import { RequestError } from './errors';

export async function callApi<S extends z.ZodType>(
  path: string,
  opts: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; token?: string | undefined },
  answer: S,
): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'POST',
      headers: {
        ...(opts.body !== undefined && { 'content-type': 'application/json' }),
        ...(opts.token && { authorization: `Bearer ${opts.token}` }),
      },
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
    });
  } catch (e) {
    throw new RequestError(
      'disconnected',
      `cannot reach the service: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const json: unknown = res.status === 204 ? {} : await res.json().catch(() => undefined);
  if (!res.ok) {
    const failed = HttpErrorBody.safeParse(json);
    if (failed.success) throw new RequestError(failed.data.error.code, failed.data.error.message);
    throw new RequestError('bad_response', `${path} answered ${res.status} ${res.statusText}`);
  }
  const decoded = answer.safeParse(json);
  if (!decoded.success) throw new RequestError('bad_response', `${path} answered something unexpected`);
  return decoded.data;
}
