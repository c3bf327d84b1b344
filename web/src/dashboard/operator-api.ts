// The operator's HTTP calls (login, logout, join links) and where the operator token is kept.
import { IssuedToken, JoinLinks, type RoomId, type StreamInfo } from '@inclubit/sfu/protocol';
import { z } from 'zod';
import { callApi } from '../lib/http-api';

const KEY = 'inclubit.operatorToken';

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

export async function login(password: string): Promise<string> {
  const { token } = await callApi('/api/login', { body: { password } }, IssuedToken);
  sessionStorage.setItem(KEY, token);
  return token;
}

export async function logout(token: string): Promise<void> {
  forgetToken();
  await callApi('/api/logout', { body: {}, token }, z.object({}));
}

export type { JoinLinks };

/**
 * The room's links. `newKey` replaces its RTMP/SRT stream key first (the old one stops working);
 * `encoderStream` sets how an encoder's picture in the room is laid out.
 */
export const createLinks = (
  token: string,
  room: RoomId,
  change: { newKey?: true; encoderStream?: StreamInfo } = {},
) => callApi('/api/links', { body: { room, ...change }, token }, JoinLinks);
