// The operator password: stored only as a scrypt hash, from the environment or made at first start.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

const N = 16384;
const r = 8;
const p = 1;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, rr, pp, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !rr || !pp || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * The hash to check logins against: OPERATOR_PASSWORD_HASH, else OPERATOR_PASSWORD hashed now, else the one
 * stored in DATA_DIR, else a new random password whose hash is stored there and which is logged this once.
 */
export async function operatorPasswordHash(
  auth: { operatorPasswordHash: string | undefined; operatorPassword: string | undefined; dataDir: string },
  log: FastifyBaseLogger,
): Promise<string> {
  if (auth.operatorPasswordHash) return auth.operatorPasswordHash;
  if (auth.operatorPassword) return hashPassword(auth.operatorPassword);
  const dataDir = auth.dataDir;
  const file = path.join(dataDir, 'operator-password.hash');
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = randomBytes(12).toString('base64url');
  const hash = await hashPassword(password);
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, `${hash}\n`, { mode: 0o600 });
  log.warn(
    { file },
    `operator password generated: ${password}  (shown once; only its hash is kept. ` +
      'Set OPERATOR_PASSWORD or OPERATOR_PASSWORD_HASH, or delete the file, to change it)',
  );
  return hash;
}
