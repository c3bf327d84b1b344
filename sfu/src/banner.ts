// What `npm start` shows once the service listens. Two audiences:
//  - the log (docker compose logs, a log shipper): addresses and links that carry no token, never a secret;
//  - the terminal of the person who started it (an interactive TTY only): also the camera and dashboard
//    links with their tokens, and in classroom mode a QR code of the viewer link for phones and headsets.
import QRCode from 'qrcode';

export interface BannerFacts {
  base: string;
  /** Classroom mode: the https base URL of each LAN address. */
  lanBases: string[];
  caFingerprint?: string | undefined;
  certificate?: { status: 'created' | 'renewed' | 'reused'; names: string[]; previousNames?: string[] };
  rtcPorts: string;
  httpPort: number;
  viewer: string;
  /** The camera link: without a token in the embedded default, else with its token. */
  camera: { url: string; hasToken: boolean };
  dashboard: string;
  dashboardWithToken: string;
  operatorTokenTtlMin: number;
}

export interface Banner {
  /** Lines for the log: nothing secret. */
  log: string[];
  /** Extra text for an interactive terminal: token links and the QR code. */
  terminal: string;
}

/** A QR code drawn with half blocks, black on white (ANSI), two modules per character row. */
export async function terminalQr(text: string): Promise<string> {
  const blocks = await QRCode.toString(text, { type: 'utf8', errorCorrectionLevel: 'M' });
  return blocks
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => `\x1b[30;47m${line}\x1b[0m`)
    .join('\n');
}

export async function renderBanner(f: BannerFacts): Promise<Banner> {
  const log = [`Inclubit 360 is running: ${f.base}/`];
  if (f.lanBases.length) {
    const cert = f.certificate;
    log.push(`classroom mode: HTTPS on ${f.lanBases.join(', ')}`);
    if (cert?.status === 'created') log.push(`  made a certificate for ${cert.names.join(', ')}`);
    if (cert?.status === 'renewed' && cert.previousNames)
      log.push(
        `  the LAN address changed (certificate was for ${cert.previousNames.join(', ')}): made a new one for ` +
          `${cert.names.join(', ')}; headsets that accepted the old one will warn once more`,
      );
    else if (cert?.status === 'renewed') log.push('  renewed the certificate (it was about to expire)');
    for (const base of f.lanBases) log.push(`  viewer on the LAN:     ${base}${new URL(f.viewer).pathname}`);
    log.push(
      '  first visit on each headset or phone: the browser warns that the connection is not private ' +
        '(a certificate made by this machine) — choose Advanced, then Proceed / Visit this website, once.',
      `  or trust this machine's certificate authority once: ${f.lanBases[0]}/ca.crt` +
        (f.caFingerprint ? ` (SHA-256 ${f.caFingerprint})` : ''),
      `  firewall: allow TCP ${f.httpPort} (pages, signaling) and UDP+TCP ${f.rtcPorts} (media) from the LAN`,
    );
  } else {
    log.push(`  viewer:                ${f.viewer}`);
  }
  if (!f.camera.hasToken) log.push(`  camera (test pattern): ${f.camera.url}`);
  log.push(`  operator dashboard:    ${f.dashboard}  (log in with the operator password)`);

  const terminal: string[] = [];
  if (f.camera.hasToken) terminal.push(`  camera link (keep it to the camera laptop): ${f.camera.url}`);
  terminal.push(`  dashboard, logged in:  ${f.dashboardWithToken}  (valid ${f.operatorTokenTtlMin} min)`);
  if (f.lanBases.length) {
    const viewerOnLan = `${f.lanBases[0]}${new URL(f.viewer).pathname}`;
    terminal.push(`  scan to watch (${viewerOnLan}):`, await terminalQr(viewerOnLan));
  }
  return { log, terminal: `${terminal.join('\n')}\n` };
}
