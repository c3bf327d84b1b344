// A track piped from one router into another on the same worker, under a producer id of its own. mediasoup's
// pipeToRouter keeps the producer's id, which a worker holds only once: it cannot pipe between two routers of
// one worker. A sink with a router of its own (a WHEP player's) gets its copy this way; it follows the original
// (pause, resume, close), and its keyframe requests reach the camera through the pipe.
import type { types } from 'mediasoup';

export async function pipeInto(
  from: types.Router,
  to: types.Router,
  producer: types.Producer,
): Promise<types.Producer> {
  const [out, into] = await Promise.all([
    from.createPipeTransport({ listenIp: '127.0.0.1' }),
    to.createPipeTransport({ listenIp: '127.0.0.1' }),
  ]);
  // The pipe lives as long as the receiving router; its sending end goes with it.
  into.observer.once('close', () => out.close());
  try {
    await Promise.all([
      out.connect({ ip: into.tuple.localIp, port: into.tuple.localPort }),
      into.connect({ ip: out.tuple.localIp, port: out.tuple.localPort }),
    ]);
    const consumer = await out.consume({ producerId: producer.id });
    const copy = await into.produce({
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
    });
    // The copy may be closing with its router as the original pauses: nothing left to follow then.
    consumer.on('producerpause', () => void copy.pause().catch(() => undefined));
    consumer.on('producerresume', () => void copy.resume().catch(() => undefined));
    consumer.observer.once('close', () => copy.close());
    return copy;
  } catch (error) {
    into.close();
    throw error;
  }
}
