// Classroom mode's HTTPS: a local certificate authority made once, and a server certificate it signs for the
// addresses served now (and localhost). Both live in DATA_DIR/tls. A headset accepts the server certificate
// once (a warning page) or trusts the CA, which the service offers at /ca.crt; the CA survives address
// changes, so a device that trusts it keeps trusting every later server certificate.
// X.509 is built by @peculiar/x509 on Node's WebCrypto: no hand-written ASN.1.
import { webcrypto } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const day = 24 * 3600 * 1000;
/** Browsers refuse server certificates valid longer than 398 days. */
const serverValidityDays = 397;
/** A server certificate this close to its end is replaced at start-up. */
const renewBeforeDays = 30;
const caValidityDays = 10 * 365;

export interface LanCertificate {
  key: string;
  cert: string;
  /** The CA certificate (PEM) that signed `cert`: what a device may trust. */
  caCert: string;
  /** SHA-256 fingerprint of the CA, as a device shows it when asked to trust it. */
  caFingerprint: string;
  /** What happened at this start: made for the first time, made again (names changed or expiring), reused. */
  status: 'created' | 'renewed' | 'reused';
  /** The names the certificate covers (IP addresses and DNS names). */
  names: string[];
  /** When status is 'renewed' because the names changed: the names of the previous certificate. */
  previousNames?: string[];
}

interface Stored {
  names: string[];
  notAfter: string;
}

const files = (dir: string) => ({
  caKey: path.join(dir, 'ca.key'),
  caCert: path.join(dir, 'ca.crt'),
  key: path.join(dir, 'server.key'),
  cert: path.join(dir, 'server.crt'),
  meta: path.join(dir, 'server.json'),
});

const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decode(pem)[0]!, algorithm, true, ['sign']);
}

const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex');

async function createCa(): Promise<{ key: webcrypto.CryptoKey; cert: x509.X509Certificate }> {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Inclubit 360 local CA, O=Inclubit 360',
    notBefore: new Date(now - day),
    notAfter: new Date(now + caValidityDays * day),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { key: keys.privateKey, cert };
}

async function createServer(ca: { key: webcrypto.CryptoKey; cert: x509.X509Certificate }, names: string[]) {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0] ?? 'localhost'}, O=Inclubit 360`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - day),
    notAfter: new Date(now + serverValidityDays * day),
    signingKey: ca.key,
    publicKey: keys.publicKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIp(value) ? 'ip' : 'dns', value })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { key: keys.privateKey, cert };
}

/** Loads the certificate for `names` from `dir`, making (or remaking) what is missing, stale or expiring. */
export async function lanCertificate(
  dir: string,
  names: string[],
  now = new Date(),
): Promise<LanCertificate> {
  const f = files(dir);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });

  const storedCaKey = await readOptional(f.caKey);
  const storedCaCert = await readOptional(f.caCert);
  let ca: { key: webcrypto.CryptoKey; cert: x509.X509Certificate };
  let caCertPem: string;
  let caIsNew = false;
  if (storedCaKey && storedCaCert && new x509.X509Certificate(storedCaCert).notAfter > now) {
    ca = { key: await importKey(storedCaKey), cert: new x509.X509Certificate(storedCaCert) };
    caCertPem = storedCaCert;
  } else {
    ca = await createCa();
    caCertPem = ca.cert.toString('pem');
    await fs.writeFile(f.caKey, await exportKey(ca.key), { mode: 0o600 });
    await fs.writeFile(f.caCert, caCertPem);
    caIsNew = true;
  }

  const wanted = [...new Set(names)];
  const storedMeta = await readOptional(f.meta);
  const stored = storedMeta ? (JSON.parse(storedMeta) as Stored) : undefined;
  const keyPem = await readOptional(f.key);
  const certPem = await readOptional(f.cert);
  const sameNames =
    stored !== undefined &&
    stored.names.length === wanted.length &&
    stored.names.every((n) => wanted.includes(n));
  const fresh =
    stored !== undefined && new Date(stored.notAfter).getTime() - renewBeforeDays * day > now.getTime();
  const caFingerprint = Buffer.from(await ca.cert.getThumbprint('SHA-256'))
    .toString('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

  if (!caIsNew && keyPem && certPem && sameNames && fresh) {
    return { key: keyPem, cert: certPem, caCert: caCertPem, caFingerprint, status: 'reused', names: wanted };
  }
  const server = await createServer(ca, wanted);
  const key = await exportKey(server.key);
  const cert = server.cert.toString('pem');
  await fs.writeFile(f.key, key, { mode: 0o600 });
  await fs.writeFile(f.cert, `${cert}\n${caCertPem}`);
  const meta: Stored = { names: wanted, notAfter: server.cert.notAfter.toISOString() };
  await fs.writeFile(f.meta, `${JSON.stringify(meta, null, 2)}\n`);
  return {
    key,
    cert: `${cert}\n${caCertPem}`,
    caCert: caCertPem,
    caFingerprint,
    status: stored ? 'renewed' : 'created',
    names: wanted,
    ...(stored && !sameNames && { previousNames: stored.names }),
  };
}
