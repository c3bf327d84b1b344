// One segment of a recording: the camera's tracks as they are now, each consumed into a plain transport on
// the room's home router and sent to a supervised ffmpeg that writes them to one file without re-encoding
// (H264 → Matroska, VP8/VP9 → WebM, Opus as it is). The media flows at once, starting on a keyframe asked for
// now: each track's RtpGate holds it while ffmpeg starts, then hands it over, so the file begins at the
// operator's click and not when ffmpeg is ready. `stop` lets ffmpeg finish the file (RTCP BYE); an ffmpeg that
// dies on its own ends the segment as failed, with its last words, and the file keeps what was written.
// The live room is never touched: these are consumers like a viewer's, on transports of their own.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile, rm } from 'node:fs/promises';
import type { types } from 'mediasoup';
import type { FastifyBaseLogger } from 'fastify';
import { freeUdpPortPair } from '../ingest/udp-ports.js';
import { followStderr } from '../observe/child-output.js';
import { asBackground } from './background.js';
import { RtpGate } from './rtp-gate.js';
import { udpBound } from './udp-table.js';
import { containerFor, recordingSdp, type RecordedTrack } from './recording-sdp.js';

export interface SegmentOptions {
  router: types.Router;
  /** The camera's tracks: at most one video (its top layer is recorded) and one audio. */
  producers: types.Producer[];
  /** The file's path without its extension (the container depends on the codec). */
  basePath: string;
  ffmpeg: string;
  log: FastifyBaseLogger;
  /** ffmpeg ended without being asked to: the segment failed (why). */
  onFailed: (reason: string) => void;
}

export type SegmentEnd = { ok: true } | { ok: false; reason: string };

/** How long ffmpeg has to finish the file once told to before it is killed. */
const FINISH_MS = 5000;
const LISTEN_TIMEOUT_MS = 5000;

/** What a plain-transport recorder can take: the router's codecs of the producer's kind, no bandwidth
 * feedback (nobody sends any back), so a layered camera's consumer stays on the layer it prefers. */
function recorderCapabilities(router: types.Router, kind: types.MediaKind): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => c.kind === kind && !/\/rtx$/i.test(c.mimeType))
      .map((c) => ({
        ...c,
        rtcpFeedback: c.rtcpFeedback?.filter((f) => f.type !== 'goog-remb' && f.type !== 'transport-cc'),
      })),
    headerExtensions: [],
  };
}

export class SegmentWriter {
  readonly startedAt = Date.now();
  endedAt: number | undefined;
  private stopping = false;
  private ended: Promise<SegmentEnd>;
  private readonly child: ChildProcess;

  private constructor(
    private readonly opts: SegmentOptions,
    readonly file: string,
    private readonly sdpFile: string,
    private readonly transports: types.PlainTransport[],
    private readonly gates: RtpGate[],
    readonly consumers: types.Consumer[],
    private readonly tracks: RecordedTrack[],
    args: string[],
  ) {
    const child = spawn(opts.ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    asBackground(child);
    const output = followStderr(child.stderr, {
      log: opts.log,
      pid: child.pid,
      message: 'recorder says',
      maxLogged: 20,
    });
    this.ended = new Promise((resolve) => {
      const finish = (end: SegmentEnd) => {
        if (this.endedAt !== undefined) return; // 'error' and 'exit' may both come
        this.endedAt = Date.now();
        for (const t of this.transports) t.close();
        for (const g of this.gates) g.close();
        void rm(this.sdpFile, { force: true });
        if (!end.ok && !this.stopping) opts.onFailed(end.reason);
        resolve(end);
      };
      child.once('error', (error: NodeJS.ErrnoException) =>
        finish({ ok: false, reason: `${opts.ffmpeg} cannot be started (${error.code ?? error.message})` }),
      );
      child.once('exit', (code, signal) => {
        // Asked to stop, ffmpeg finishes the file and exits 0 (255 if it took the fallback SIGINT).
        if (this.stopping && (code === 0 || code === 255)) return finish({ ok: true });
        const how = signal ? `was killed (${signal})` : `exited with ${code}`;
        const said = output.lastWords();
        finish({ ok: false, reason: `the recorder's ffmpeg ${how}${said ? `: ${said}` : ''}` });
      });
    });
    opts.log.info({ pid: child.pid, file }, 'recording segment started');
  }

  /** Consumes the tracks, starts ffmpeg on them, and lets the media flow once it listens. */
  static async start(opts: SegmentOptions): Promise<SegmentWriter> {
    const tracks: RecordedTrack[] = [];
    const transports: types.PlainTransport[] = [];
    const gates: RtpGate[] = [];
    const consumers: types.Consumer[] = [];
    try {
      for (const kind of ['video', 'audio'] as const) {
        const producer = opts.producers.find((p) => p.kind === kind && !p.closed);
        if (!producer) continue;
        const gate = await RtpGate.open(opts.log);
        gates.push(gate);
        const transport = await opts.router.createPlainTransport({
          listenIp: '127.0.0.1',
          rtcpMux: false,
          comedia: false,
          appData: { recorder: true },
        });
        transports.push(transport);
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: recorderCapabilities(opts.router, kind),
          paused: true,
          // A layered camera: its top layer.
          ...(producer.type === 'simulcast' && { preferredLayers: { spatialLayer: 2, temporalLayer: 2 } }),
        });
        consumers.push(consumer);
        await transport.connect({ ip: '127.0.0.1', port: gate.port, rtcpPort: gate.rtcpPort });
        // ffmpeg's own ports, where the gate hands the track over.
        tracks.push({ kind, port: await freeUdpPortPair(), rtpParameters: consumer.rtpParameters });
      }
      if (!tracks.some((t) => t.kind === 'video') && !tracks.some((t) => t.kind === 'audio'))
        throw new Error('the camera sends nothing to record');
      // The media flows into the gates now; the file starts on a keyframe asked for now, not the camera's next.
      for (const c of consumers) {
        await c.resume();
        if (c.kind === 'video') await c.requestKeyFrame();
      }
      const file = `${opts.basePath}.${containerFor(tracks)}`;
      const sdpFile = `${opts.basePath}.sdp`;
      await writeFile(sdpFile, recordingSdp(tracks));
      const args = [
        ...['-hide_banner', '-loglevel', 'warning', '-nostats', '-nostdin'],
        ...['-protocol_whitelist', 'file,udp,rtp', '-fflags', '+genpts'],
        ...['-i', sdpFile, '-map', '0', '-c', 'copy'],
        ...['-f', file.endsWith('.webm') ? 'webm' : 'matroska', '-y', file],
      ];
      const writer = new SegmentWriter(opts, file, sdpFile, transports, gates, consumers, tracks, args);
      await writer.handOverWhenListening();
      return writer;
    } catch (error) {
      for (const t of transports) t.close();
      for (const g of gates) g.close();
      throw error;
    }
  }

  private async handOverWhenListening(): Promise<void> {
    const deadline = Date.now() + LISTEN_TIMEOUT_MS;
    const listening = async () =>
      (await Promise.all(this.tracks.map((t) => udpBound(t.port)))).every(Boolean);
    while (!(await listening())) {
      if (this.endedAt !== undefined) throw new Error('the recorder ended before it listened');
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`the recorder's ffmpeg did not listen within ${LISTEN_TIMEOUT_MS} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const handovers = await Promise.all(this.tracks.map((t, i) => this.gates[i]!.openTo(t.port, t.port + 1)));
    this.opts.log.info(
      { pid: this.child.pid, held: handovers.map((h, i) => ({ kind: this.tracks[i]!.kind, ...h })) },
      'recorder listening: what came meanwhile handed over',
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How it ended, once it has. */
  get end(): Promise<SegmentEnd> {
    return this.ended;
  }

  /**
   * Idempotent: ffmpeg finishes the file, or is killed after FINISH_MS; resolves with how it ended. The end
   * is an RTCP BYE per track (RFC 3550 6.6): ffmpeg's RTP input ends once every stream said goodbye, then it
   * writes the file's index and exits. Neither its keys ('q') nor one SIGINT would do when the camera has gone:
   * both are looked at only between packets, and none come; two SIGINTs interrupt its file writes as well.
   */
  stop(): Promise<SegmentEnd> {
    if (!this.stopping && this.endedAt === undefined) {
      this.stopping = true;
      for (const [i, track] of this.tracks.entries()) {
        // A compound packet, an empty receiver report then the BYE (ffmpeg ignores packets under 12 bytes).
        const ssrc = (track.rtpParameters.encodings?.[0]?.ssrc ?? 0) >>> 0;
        const packet = Buffer.alloc(16);
        packet.writeUInt32BE(0x80c90001, 0); // V=2, no report blocks, RR (201), one word after the first
        packet.writeUInt32BE(ssrc, 4);
        packet.writeUInt32BE(0x81cb0001, 8); // V=2, one source, BYE (203), one word after the first
        packet.writeUInt32BE(ssrc, 12);
        this.gates[i]!.sendRtcp(packet);
      }
      const interrupt = setTimeout(() => this.child.kill('SIGINT'), FINISH_MS / 2);
      const kill = setTimeout(() => this.child.kill('SIGKILL'), FINISH_MS);
      void this.ended.then(() => {
        clearTimeout(interrupt);
        clearTimeout(kill);
      });
    }
    return this.ended;
  }
}
