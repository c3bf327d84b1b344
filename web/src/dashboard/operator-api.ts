// The operator's HTTP calls (login, logout, join links) and where the operator token is kept.
import type { RoomId } from '@inclubit/sfu/protocol';

const KEY = 'inclubit.operatorToken';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The token from `?t=` (the link printed at start-up) wins, then the one from this browser tab's login. */
export function storedToken(): string | undefined {
  const fromUrl = new URLSearchParams(location.search).get('t');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    history.replaceState(null, '', location.pathname); // keep the token out of the address bar and history
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}

async function call<T>(path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok || json.error)
    throw new ApiError(json.error?.code ?? 'internal', json.error?.message ?? res.statusText);
  return json as T;
}

export async function login(password: string): Promise<string> {
  const { token } = await call<{ token: string }>('/api/login', { password });
  sessionStorage.setItem(KEY, token);
  return token;
}

export async function logout(token: string): Promise<void> {
  forgetToken();
  await call('/api/logout', {}, token);
}

export interface JoinLinks {
  room: RoomId;
  camera: string;
  viewer: string;
  expiresAt: number;
}

export const createLinks = (token: string, room: RoomId) => call<JoinLinks>('/api/links', { room }, token);
