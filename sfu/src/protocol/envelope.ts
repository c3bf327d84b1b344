// The wire format around the messages: requests with ids, responses that echo them, and server events.
// `decodeRequest` is the single edge check the SFU runs on every inbound frame.
import { z } from 'zod';
import { ProtocolErrorBody, type ErrorCode } from './errors.js';
import {
  events,
  methods,
  type EventData,
  type EventName,
  type Method,
  type Params,
  type Result,
} from './messages.js';

/**
 * A request is answered (its `id` echoed); a notification (`type: "notify"`, no id) runs the same method but
 * only a refusal is answered, with `id: null` — for reports a page sends many of and needs no answer to
 * (`reportGaze`): an answer each would cost the server more than the report itself.
 */
const RequestEnvelope = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('request'),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    method: z.string().max(64),
    data: z.unknown().optional(),
  }),
  z.object({ type: z.literal('notify'), method: z.string().max(64), data: z.unknown().optional() }),
]);

const ResponseEnvelope = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), data: z.unknown() }),
  z.object({
    type: z.literal('response'),
    id: z.number().int().nullable(),
    ok: z.literal(false),
    error: ProtocolErrorBody,
  }),
]);
const EventEnvelope = z.object({ type: z.literal('event'), event: z.string(), data: z.unknown() });
const ServerEnvelope = z.discriminatedUnion('type', [ResponseEnvelope, EventEnvelope]);

/** A validated request, narrowed by method so handlers get typed params; `id` null: a notification. */
export type AnyRequest = { [M in Method]: { id: number | null; method: M; params: Params<M> } }[Method];
/** A validated server event, narrowed by name. */
export type AnyEvent = { [E in EventName]: { event: E; data: EventData<E> } }[EventName];

export type Decoded<T> =
  { ok: true; value: T } | { ok: false; id: number | null; code: ErrorCode; message: string };

const isMethod = (m: string): m is Method => Object.hasOwn(methods, m);
const isEvent = (e: string): e is EventName => Object.hasOwn(events, e);

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

export function decodeRequest(raw: string): Decoded<AnyRequest> {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, id: null, code: 'bad_json', message: 'message is not valid JSON' };
  const envelope = RequestEnvelope.safeParse(json.value);
  if (!envelope.success) {
    return {
      ok: false,
      id: null,
      code: 'bad_json',
      message: `not a request envelope: ${describe(envelope.error)}`,
    };
  }
  const { method, data } = envelope.data;
  const id = envelope.data.type === 'request' ? envelope.data.id : null;
  if (!isMethod(method))
    return { ok: false, id, code: 'unknown_method', message: `unknown method "${method}"` };
  const params = methods[method].params.safeParse(data ?? {});
  if (!params.success)
    return { ok: false, id, code: 'bad_request', message: `${method}: ${describe(params.error)}` };
  // The schema for `method` produced `params`, so the pair is consistent; TS can't correlate the two unions.
  return { ok: true, value: { id, method, params: params.data } as AnyRequest };
}

/** A response: success echoes the request id; an error may have none (the frame was not a request). */
export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; data: unknown }
  | { type: 'response'; id: number | null; ok: false; error: ProtocolErrorBody };

export type ServerMessage = ResponseMessage | { type: 'event'; event: EventName; data: unknown };

/** Client side: validates a server frame; event payloads are checked against their schema. */
export function decodeServerMessage(raw: string): Decoded<ResponseMessage | ({ type: 'event' } & AnyEvent)> {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, id: null, code: 'bad_json', message: 'server sent invalid JSON' };
  const msg = ServerEnvelope.safeParse(json.value);
  if (!msg.success) return { ok: false, id: null, code: 'bad_json', message: describe(msg.error) };
  if (msg.data.type === 'response') return { ok: true, value: msg.data };
  const { event } = msg.data;
  if (!isEvent(event))
    return { ok: false, id: null, code: 'unknown_method', message: `unknown event "${event}"` };
  const data = events[event].safeParse(msg.data.data);
  if (!data.success)
    return { ok: false, id: null, code: 'bad_request', message: `${event}: ${describe(data.error)}` };
  return { ok: true, value: { type: 'event', event, data: data.data } as { type: 'event' } & AnyEvent };
}

/** Client side: validates a successful response's data against the method's result schema. */
export function decodeResult<M extends Method>(method: M, data: unknown): Decoded<Result<M>> {
  const parsed = methods[method].result.safeParse(data);
  if (!parsed.success) return { ok: false, id: null, code: 'bad_request', message: describe(parsed.error) };
  return { ok: true, value: parsed.data as Result<M> };
}

/**
 * The WebSocket subprotocol of this protocol. A page's token travels as a second subprotocol,
 * `token.<jwt>` (JWTs are base64url with dots: valid subprotocol characters), so it is never part of a URL
 * that a proxy or server could log. The server always answers with SIGNALING_SUBPROTOCOL, never the token.
 * (`/ws?token=` still works for scripts; the service redacts it from its own log.)
 */
export const SIGNALING_SUBPROTOCOL = 'inclubit';
export const TOKEN_SUBPROTOCOL_PREFIX = 'token.';

/** The token offered in a Sec-WebSocket-Protocol header value, if any. */
export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  for (const value of (header ?? '').split(',')) {
    const protocol = value.trim();
    if (protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  }
  return undefined;
}
