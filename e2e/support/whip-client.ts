// Debian's simple-whip-client (GStreamer + libnice), a WHIP client nobody in this project wrote, publishing a
// GStreamer test source. Started through infra/scripts/whip-client.sh; stopped with SIGTERM (it then DELETEs its
// session, as an encoder that stops does) or killed; always reaped.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WhipClient {
  logs: string[];
  /** The session URL the server answered with (Location), once connected. */
  resource: string;
  /** SIGTERM: the client sends DELETE and exits. */
  stop(): Promise<void>;
  /** SIGKILL: gone without a word, like a crashed encoder. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: an encoder that freezes (nothing sent, not even ICE checks) and then carries on. */
  freeze(): void;
  thaw(): void;
}

/**
 * 'h264': x264enc behind webrtcbin, which offers and sends Constrained Baseline (42e01f) whatever profile a caps
 * filter asks for (measured: the SPS says profile 66, constraint flags c0). High through the router is proven
 * by the RTMP copy test and the offer fixture (publish-offer.test.ts).
 */
export type VideoCodec = 'h264' | 'vp8';

/**
 * A moving test picture at `width`×`height`, 15 fps, a keyframe every second; and a 440 Hz tone. VP8 carries a
 * picture ID (as every browser sends): mediasoup 3.12 reads a VP8 payload descriptor only with its extension
 * bit set, and forwards no keyframe of a stream without one.
 */
export function pipelines(codec: VideoCodec, width = 1280, height = 640): { video: string; audio: string } {
  const raw = `videotestsrc is-live=true pattern=ball ! video/x-raw,width=${width},height=${height},framerate=15/1 ! videoconvert ! queue`;
  const encode =
    codec === 'vp8'
      ? 'vp8enc deadline=1 keyframe-max-dist=15 target-bitrate=1500000 ! rtpvp8pay picture-id-mode=15-bit pt=96 ssrc=2 ! queue ! application/x-rtp,media=video,encoding-name=VP8,payload=96'
      : 'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 bitrate=1500 ! rtph264pay config-interval=-1 pt=96 ssrc=2 ! queue ! application/x-rtp,media=video,encoding-name=H264,payload=96';
  return {
    video: `${raw} ! ${encode}`,
    audio:
      'audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue ! opusenc ! rtpopuspay pt=100 ssrc=1 ! queue ! application/x-rtp,media=audio,encoding-name=OPUS,payload=100',
  };
}

/** See `feed`: the pipeline is PLAYING by then, even on a loaded machine. */
const FEED_AFTER_START_MS = 500;

/** Publishes to `url` (…/whip/<room>[?projection=…]) and resolves once its PeerConnection is connected. */
export async function startWhipClient(opts: {
  url: string;
  token?: string;
  video?: string;
  audio?: string;
  /**
   * Feeds the client's stdin (a pipeline reading raw frames with `fdsrc fd=0 do-timestamp=true`), from half a
   * second after the client starts its pipeline. Not sooner: fdsrc is not a live source and reads while its
   * pipeline is on the way to PLAYING; a chunk read in the instant between the pipeline handing out its clock
   * and its base time is stamped with the clock's absolute time — hours ahead. rawvideoparse times the frames
   * from it, and webrtcbin's sink waits on the clock for each: the video stops for good after a dozen frames
   * (caught in gdb: fdsrc blocked on a full queue, that queue's thread in gst_clock_id_wait inside webrtcbin),
   * about one start in forty on a busy machine. A live pipeline reaches PLAYING within the call that starts it;
   * the offer waits for the first frame (its caps), so the feed cannot wait for the connection itself.
   */
  feed?: (stdin: NodeJS.WritableStream) => void;
}): Promise<WhipClient> {
  const args = ['-u', opts.url, '-l', '4', '-o'];
  if (opts.token) args.push('-t', opts.token);
  if (opts.audio) args.push('-A', opts.audio);
  if (opts.video) args.push('-V', opts.video);
  const child: ChildProcess = spawn('bash', [path.join(repo, 'infra/scripts/whip-client.sh'), ...args], {
    stdio: [opts.feed ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  child.stdin?.on('error', () => {});
  const logs: string[] = [];
  let resource = '';
  let feedTimer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`whip-client did not connect:\n${logs.join('\n')}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        logs.push(line);
        resource = /Resource URL: (\S+)/.exec(line)?.[1] ?? resource;
        if (line.includes('Starting the GStreamer pipeline') && child.stdin && opts.feed) {
          const [stdin, feed] = [child.stdin, opts.feed];
          feedTimer = setTimeout(() => feed(stdin), FEED_AFTER_START_MS);
        }
        if (line.includes('PeerConnection connected')) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(feedTimer);
      reject(new Error(`whip-client exited (${code ?? signal}):\n${logs.join('\n')}`));
    });
  });
  const ended = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill(signal);
      child.kill('SIGCONT'); // a frozen client must run to act on the signal
    });
  return {
    logs,
    resource,
    stop: () => ended('SIGTERM'),
    kill: () => ended('SIGKILL'),
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
  };
}
