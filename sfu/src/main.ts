// Start-up: config → workers → server → listen; graceful shutdown on SIGINT/SIGTERM.
import { ConfigError, loadConfig, type Config } from './config.js';
import { buildServer, type Service } from './server.js';
import { joinLinks } from './http/operator-auth.js';
import { renderBanner } from './banner.js';
import type { RoomId } from './protocol/index.js';

const fatal = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

function readConfig(): Config {
  try {
    return loadConfig(process.env, { argv: process.argv.slice(2) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fatal(error.message);
  }
}
const config = readConfig();

const inUse = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';

async function build(): Promise<Service> {
  try {
    return await buildServer(config);
  } catch (error) {
    if (inUse(error)) {
      // The only ports taken while building are the ingest's (HTTP listens later).
      const { rtmpPort, srtPort, host } = config.ingest;
      fatal(
        `RTMP_PORT (${rtmpPort ?? 'off'}) or SRT_PORT (${srtPort ?? 'off'}) on ${host} is already in use; set a free port or off`,
      );
    }
    // mediasoup reports a taken WebRTC port in its message, not as an errno code.
    if (error instanceof Error && /address already in use|EADDRINUSE/i.test(error.message))
      fatal(
        `RTC_PORT: port ${config.mediasoup.rtcPort} (or the next ones, one per worker) is already in use: ${error.message}`,
      );
    throw error;
  }
}
const { app, tokens, classroom, ingestLinks } = await build();
try {
  await app.listen({
    port: config.http.port,
    host: config.http.host,
    // Fastify names the scheme from its options; classroom mode's server is HTTPS made by a factory.
    listenTextResolver: (address) =>
      `Server listening at ${classroom ? address.replace(/^http:/, 'https:') : address}`,
  });
} catch (error) {
  if (!inUse(error)) throw error;
  await app.close();
  fatal(
    `PORT: port ${config.http.port} on ${config.http.host} is already in use (another Inclubit 360, or another program); set PORT to a free port`,
  );
}

const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.http.port;
const lanBases = classroom?.addresses.map((a) => `https://${a}:${port}`) ?? [];
const base = config.http.publicUrl ?? lanBases[0] ?? `http://localhost:${port}`;
// Ready-made links for a first try; those with a token are shown on the terminal only, never logged.
const room = 'demo' as RoomId;
const demo = await joinLinks(tokens, base, room, config.auth.linkTokenTtlS, ingestLinks);
const operator = await tokens.issue({ role: 'operator' }, config.auth.operatorTokenTtlS);
const rtcPorts =
  config.mediasoup.rtcPort === 0
    ? 'the ports the OS chose'
    : `${config.mediasoup.rtcPort}–${config.mediasoup.rtcPort + config.mediasoup.workers - 1}`;
const banner = await renderBanner({
  base,
  lanBases,
  caFingerprint: classroom?.certificate.caFingerprint,
  certificate: classroom?.certificate,
  rtcPorts,
  httpPort: port,
  viewer: config.rooms.access === 'open' ? `${base}/watch/${room}` : demo.viewer,
  camera: config.embedded
    ? { url: `${base}/camera/${room}`, hasToken: false }
    : { url: demo.camera, hasToken: true },
  dashboard: `${base}/dashboard`,
  dashboardWithToken: `${base}/dashboard?t=${operator.token}`,
  operatorTokenTtlMin: config.auth.operatorTokenTtlS / 60,
});
for (const line of banner.log) app.log.info(line);
if (process.stdout.isTTY) process.stdout.write(banner.terminal);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl-C means "now"
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // A connection that will not close must not keep a restart waiting forever.
    setTimeout(() => {
      app.log.error('shutdown took over 10 s; exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
