// Signed access tokens (JWT, HS256): who may be the camera of a room, watch a room, replay a recording, or
// operate the service.
// A join link carries one, so opening it on a headset needs no typing.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { z } from 'zod';
import { RecordingId, RoomId } from '../protocol/index.js';
import { ServiceError } from '../errors.js';

export const Grant = z.discriminatedUnion('role', [
  z.object({ role: z.literal('camera'), room: RoomId }),
  z.object({ role: z.literal('viewer'), room: RoomId }),
  z.object({ role: z.literal('operator') }),
  /** Replaying one recording (its files, in the viewer): opens no room. */
  z.object({ role: z.literal('replay'), recording: RecordingId }),
]);
export type Grant = z.infer<typeof Grant>;

const Ticket = z.object({ typ: z.literal('ticket'), room: RoomId, node: z.string() });

export type VerifiedGrant = Grant & { jti: string; exp: number };

const ISSUER = 'inclubit-360';

export class Tokens {
  private readonly key: Uint8Array;
  /** Logged-out tokens until they expire anyway (jti → exp, seconds). */
  private readonly revoked = new Map<string, number>();

  /** Without a secret (embedded mode) a random one is made: tokens then last as long as the process. */
  constructor(secret: string | undefined) {
    this.key = secret ? new TextEncoder().encode(secret) : randomBytes(32);
  }

  async issue(grant: Grant, ttlS: number): Promise<{ token: string; expiresAt: number }> {
    const exp = Math.floor(Date.now() / 1000) + ttlS;
    const token = await new SignJWT({ ...grant })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt: exp * 1000 };
  }

  /** The token's grant, or an `unauthorized` error saying what is wrong with it. */
  async verify(token: string): Promise<VerifiedGrant> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new ServiceError('unauthorized', 'token expired');
      throw new ServiceError('unauthorized', 'invalid token');
    }
    const grant = Grant.safeParse(payload);
    const { jti, exp } = payload;
    if (!grant.success || typeof jti !== 'string' || typeof exp !== 'number') {
      throw new ServiceError('unauthorized', 'invalid token');
    }
    if (this.revoked.has(jti)) throw new ServiceError('unauthorized', 'token revoked');
    return { ...grant.data, jti, exp };
  }

  /**
   * A ticket for a viewer a full node sends to node `node` of its cluster: that node lets the viewer in past
   * its own limit, so a viewer is moved once and never bounced on. Not a grant: it opens nothing by itself.
   */
  async issueTicket(ticket: { room: RoomId; node: string }, ttlS: number): Promise<string> {
    return new SignJWT({ typ: 'ticket', ...ticket })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlS)
      .sign(this.key);
  }

  /** The ticket's room and node, or undefined when it is not a valid, unexpired ticket. */
  async verifyTicket(ticket: string): Promise<{ room: RoomId; node: string } | undefined> {
    try {
      const { payload } = await jwtVerify(ticket, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      const parsed = Ticket.safeParse(payload);
      return parsed.success ? { room: parsed.data.room, node: parsed.data.node } : undefined;
    } catch {
      return undefined;
    }
  }

  revoke(grant: VerifiedGrant): void {
    const now = Date.now() / 1000;
    for (const [jti, exp] of this.revoked) if (exp < now) this.revoked.delete(jti);
    this.revoked.set(grant.jti, grant.exp);
  }
}
