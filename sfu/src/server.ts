// buildServer(config): the whole service as a Fastify instance, ready to listen or to inject into.
// Registration only; behaviour lives in the plugins.
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import type { Config } from './config.js';
import { CloseCode, RecordingSettingsChange, SIGNALING_SUBPROTOCOL } from './protocol/index.js';
import { WorkerPool } from './media/worker-pool.js';
import { udpBufferAdvice } from './media/forwarding.js';
import { RoomRegistry } from './media/room-registry.js';
import { signalingRoutes } from './signaling/socket.js';
import { healthRoutes } from './http/health.js';
import { webAppRoutes } from './http/web-app.js';
import { operatorRoutes, type IngestLinks } from './http/operator-auth.js';
import { Tokens } from './auth/tokens.js';
import { operatorPasswordHash } from './auth/password.js';
import { Metrics } from './observe/metrics.js';
import { RoomWatcher } from './observe/room-watcher.js';
import { AllowedHosts } from './http/allowed-hosts.js';
import { hostGuard } from './http/host-guard.js';
import { securityHeaders } from './http/security-headers.js';
import { answerClientError, errorHandler } from './http/error-handler.js';
import { redactUrl } from './http/redact.js';
import { prepareClassroom, type Classroom } from './lan/classroom.js';
import { whipRoutes } from './ingest/whip.js';
import { whepRoutes } from './ingest/whep.js';
import { IngestSettings } from './ingest/ingest-settings.js';
import { RtmpIngest } from './ingest/rtmp-ingest.js';
import { SrtIngest } from './ingest/srt-ingest.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { clusterRoutes } from './cluster/cluster-routes.js';
import { Library } from './record/library.js';
import { Recorders } from './record/recorders.js';
import { Presence } from './presence/presence.js';
import { recordingRoutes } from './record/recording-routes.js';
import { RoomSettingsFile } from './store/room-settings-file.js';
import { registerClusterMetrics } from './cluster/cluster-metrics.js';

export interface Service {
  app: FastifyInstance;
  pool: WorkerPool;
  rooms: RoomRegistry;
  tokens: Tokens;
  metrics: Metrics;
  watcher: RoomWatcher;
  /** Classroom mode's certificate and addresses; undefined otherwise. */
  classroom: Classroom | undefined;
  /** The RTMP listener; undefined with RTMP_PORT=off. */
  rtmp: RtmpIngest | undefined;
  /** The SRT listener; undefined with SRT_PORT=off. */
  srt: SrtIngest | undefined;
  ingestLinks: IngestLinks;
  /** This node's membership of a cluster; undefined when it is alone (no CLUSTER_REDIS_URL). */
  cluster: ClusterNode | undefined;
  recorders: Recorders;
  presence: Presence;
}

export interface BuildOptions {
  /** Where the log goes instead of stdout (tests read what the service logs). */
  logStream?: NodeJS.WritableStream;
}

export async function buildServer(config: Config, build: BuildOptions = {}): Promise<Service> {
  const hosts = new AllowedHosts(config.http.allowedHosts);
  const classroom = config.lan
    ? await prepareClassroom({
        addresses: config.lan.addresses,
        dataDir: config.auth.dataDir,
        tokenSecret: config.auth.tokenSecret,
        hostAllowed: (hostname) => hosts.allows(hostname),
      })
    : undefined;
  const app = Fastify({
    ...(classroom && { serverFactory: classroom.serverFactory }),
    clientErrorHandler: answerClientError,
    // Behind Caddy every request comes from 127.0.0.1; the login limiter needs the client's own address.
    ...(config.http.trustProxy && { trustProxy: config.http.trustProxy }),
    logger: {
      level: config.logLevel,
      // Fastify's request line, with the tokens that links carry in their URL taken out.
      serializers: {
        req: (req: FastifyRequest) => ({
          method: req.method,
          url: redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
        }),
      },
      ...(build.logStream && { stream: build.logStream }),
      ...(config.logFormat === 'pretty' &&
        !build.logStream && {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
          },
        }),
    },
  });
  const pool = await WorkerPool.create({
    ...config.mediasoup,
    count: config.mediasoup.workers,
    log: app.log,
    portRange: config.cluster?.pipePorts,
  });
  const bufferAdvice = udpBufferAdvice();
  if (bufferAdvice) app.log.warn(bufferAdvice);
  const rooms = new RoomRegistry(pool, app.log, {
    emptyCloseMs: config.rooms.emptyCloseMs,
    maxViewers: config.rooms.maxViewers,
    keyFrameMinIntervalMs: config.rooms.keyFrameMinIntervalMs,
    viewersPerWorker: config.rooms.viewersPerWorker,
    cameraStallMs: config.rooms.cameraStallMs,
  });
  const tokens = new Tokens(classroom?.tokenSecret ?? config.auth.tokenSecret);
  const metrics = new Metrics(pool, rooms);
  const watcher = new RoomWatcher({ rooms, log: app.log, intervalMs: config.signaling.dashboardIntervalMs });
  const passwordHash = await operatorPasswordHash(config.auth, app.log);
  // Gaze changes reach the camera page at most ten times a second, however many viewers report.
  const presence = new Presence(rooms, { flushMs: 100 });
  const cluster = config.cluster
    ? await ClusterNode.start({
        config: config.cluster,
        rooms,
        presence,
        pool,
        log: app.log,
        idleMs: config.rooms.emptyCloseMs,
        tokens,
      })
    : undefined;
  if (cluster) {
    rooms.setGate(cluster);
    registerClusterMetrics(metrics.registry, cluster);
  }
  const recorders = new Recorders(
    rooms,
    new Library(config.recordings.dir, config.recordings.quotaBytes, app.log),
    await RoomSettingsFile.open(
      path.join(config.auth.dataDir, 'recording-settings.json'),
      RecordingSettingsChange,
    ),
    config.recordings,
    app.log,
  );
  app.addHook('onClose', async () => {
    presence.close();
    // Recordings first: each finishes its file while its room is still there.
    await recorders.close();
    await cluster?.close();
    watcher.close();
    rooms.closeAll('server shutting down');
    pool.close();
  });

  // ws drops frames over maxPayload without a word; a larger hard cap lets the signaling layer answer
  // oversize messages up to 4x the limit with a typed error first.
  await app.register(websocket, {
    options: {
      maxPayload: 4 * config.signaling.maxMessageBytes,
      // Answer with the protocol's name, never with the token a page offers beside it.
      handleProtocols: (offered) => (offered.has(SIGNALING_SUBPROTOCOL) ? SIGNALING_SUBPROTOCOL : false),
    },
    // Shutting down (SIGTERM, an update): every client is told the server is restarting and comes back by
    // itself (reconnect, then resume or rejoin), instead of seeing an unexplained close.
    preClose(done) {
      const clients = this.websocketServer.clients;
      for (const client of clients) client.close(CloseCode.restarting, 'server restarting');
      // A client whose network vanished never answers the close frame; ws would wait 30 s for it.
      const deadline = setTimeout(() => clients.forEach((c) => c.terminate()), 2000);
      this.websocketServer.close(() => {
        clearTimeout(deadline);
        done();
      });
    },
  });
  await app.register(errorHandler);
  await app.register(hostGuard, { hosts });
  await app.register(securityHeaders, { connectTo: () => cluster?.origins() ?? [] });
  await app.register(healthRoutes, { pool, metrics });
  await app.register(signalingRoutes, {
    rooms,
    watcher,
    presence,
    tokens,
    policy: { embedded: config.embedded, roomAccess: config.rooms.access },
    limits: config.signaling,
    turn: config.turn,
    metrics,
    resumeGraceMs: config.signaling.resumeGraceMs,
    cluster,
  });
  const ingestSettings = await IngestSettings.open(config.auth.dataDir);
  const ingest = {
    rooms,
    settings: ingestSettings,
    tokens,
    policy: { embedded: config.embedded, roomAccess: config.rooms.access },
    turn: config.turn,
    iceTimeoutMs: config.ingest.iceTimeoutMs,
  };
  await app.register(whipRoutes, ingest);
  await app.register(whepRoutes, ingest);
  // RTMP and SRT cameras: the service's own listeners, each camera bridged into its room by an ffmpeg.
  const bridges = {
    rooms,
    settings: ingestSettings,
    log: app.log,
    ffmpeg: config.ingest.ffmpeg,
    reencodeKbps: config.ingest.reencodeKbps,
  };
  const { host, rtmpPort, srtPort } = config.ingest;
  const rtmp =
    rtmpPort === undefined ? undefined : await RtmpIngest.start({ ...bridges, host, port: rtmpPort });
  if (rtmp) app.addHook('onClose', () => rtmp.close());
  const srt =
    srtPort === undefined
      ? undefined
      : await SrtIngest.start({
          ...bridges,
          host,
          port: srtPort,
          ffprobe: config.ingest.ffprobe,
          srtLiveTransmit: config.ingest.srtLiveTransmit,
        });
  if (srt) app.addHook('onClose', () => srt.close());
  const ingestLinks = { settings: ingestSettings, rtmpPort: rtmp?.port, srtPort: srt?.port };
  await app.register(operatorRoutes, {
    tokens,
    rooms,
    ingest: ingestLinks,
    passwordHash,
    publicUrl: config.http.publicUrl,
    linkTokenTtlS: config.auth.linkTokenTtlS,
    operatorTokenTtlS: config.auth.operatorTokenTtlS,
  });
  await app.register(clusterRoutes, { tokens, cluster });
  await app.register(recordingRoutes, {
    tokens,
    recorders,
    publicUrl: config.http.publicUrl,
    linkTokenTtlS: config.auth.linkTokenTtlS,
    roomAccess: config.rooms.access,
  });
  await app.register(webAppRoutes, { dir: config.webDistDir, caCert: classroom?.certificate.caCert });
  return {
    app,
    pool,
    rooms,
    tokens,
    metrics,
    watcher,
    classroom,
    rtmp,
    srt,
    ingestLinks,
    cluster,
    recorders,
    presence,
  };
}
