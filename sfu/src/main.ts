// Start-up: config → workers → server → listen; graceful shutdown on SIGINT/SIGTERM.
import { ConfigError, loadConfig } from './config.js';
import { buildServer } from './server.js';
import { joinLinks } from './http/operator-auth.js';
import type { RoomId } from './protocol/index.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const { app, tokens } = await buildServer(config);
await app.listen({ port: config.http.port, host: config.http.host });

const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.http.port;
const base = config.http.publicUrl ?? `http://localhost:${port}`;
app.log.info(`Inclubit 360 is running: ${base}/`);
// Ready-made links for a first try; each carries its token, so opening one needs no typing.
const demo = await joinLinks(tokens, base, 'demo' as RoomId, config.auth.linkTokenTtlS);
const viewerLink = config.rooms.access === 'open' ? `${base}/watch/demo` : demo.viewer;
app.log.info(`  camera (test pattern): ${config.embedded ? `${base}/camera/demo` : demo.camera}`);
app.log.info(`  viewer:                ${viewerLink}`);
const operator = await tokens.issue({ role: 'operator' }, config.auth.operatorTokenTtlS);
app.log.info(
  `  operator dashboard:    ${base}/dashboard?t=${operator.token}  (valid ${config.auth.operatorTokenTtlS / 60} min; or log in with the operator password)`,
);

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
