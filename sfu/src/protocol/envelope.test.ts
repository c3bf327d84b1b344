import { describe, expect, it } from 'vitest';
import { decodeRequest, decodeServerMessage } from './envelope.js';

const request = (method: string, data: unknown, id: unknown = 1) =>
  JSON.stringify({ type: 'request', id, method, data });

describe('decodeRequest', () => {
  it('accepts a well-formed request and types its params', () => {
    const decoded = decodeRequest(request('join', { room: 'class-4b', role: 'viewer' }));
    expect(decoded).toEqual({
      ok: true,
      value: { id: 1, method: 'join', params: { room: 'class-4b', role: 'viewer' } },
    });
  });

  it.each([
    ['not JSON', '{"type":', 'bad_json', null],
    ['a JSON array', '[1,2]', 'bad_json', null],
    ['a missing id', JSON.stringify({ type: 'request', method: 'join', data: {} }), 'bad_json', null],
    ['a negative id', request('join', {}, -1), 'bad_json', null],
    ['an unknown method', request('teleport', {}), 'unknown_method', 1],
    ['a prototype key as method', request('constructor', {}), 'unknown_method', 1],
    ['missing fields', request('join', { room: 'a' }), 'bad_request', 1],
    ['a wrong type', request('join', { room: 42, role: 'viewer' }), 'bad_request', 1],
    ['an invalid room code', request('join', { room: 'Bad Room!', role: 'viewer' }), 'bad_request', 1],
    ['an unknown role', request('join', { room: 'a', role: 'admin' }), 'bad_request', 1],
    [
      'an oversized display name',
      request('join', { room: 'a', role: 'viewer', displayName: 'x'.repeat(65) }),
      'bad_request',
      1,
    ],
    [
      'malformed RTP parameters',
      request('produce', { transportId: 't', kind: 'video', rtpParameters: { codecs: [] } }),
      'bad_request',
      1,
    ],
  ])('rejects %s with a typed error', (_what, raw, code, id) => {
    const decoded = decodeRequest(raw);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.code).toBe(code);
      expect(decoded.id).toBe(id);
      expect(decoded.message.length).toBeGreaterThan(0);
    }
  });

  it('treats absent data as empty params', () => {
    expect(decodeRequest(JSON.stringify({ type: 'request', id: 7, method: 'leave' }))).toEqual({
      ok: true,
      value: { id: 7, method: 'leave', params: {} },
    });
  });
});

describe('decodeServerMessage', () => {
  it('validates event payloads against their schema', () => {
    const good = decodeServerMessage(
      JSON.stringify({ type: 'event', event: 'consumerClosed', data: { consumerId: 'c1' } }),
    );
    expect(good.ok).toBe(true);
    const bad = decodeServerMessage(JSON.stringify({ type: 'event', event: 'consumerClosed', data: {} }));
    expect(bad.ok).toBe(false);
    const unknown = decodeServerMessage(JSON.stringify({ type: 'event', event: 'nope', data: {} }));
    expect(unknown.ok).toBe(false);
  });
});
