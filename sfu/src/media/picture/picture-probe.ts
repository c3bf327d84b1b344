// How large a source's picture is, for sources that do not say (a WHIP encoder): a DirectTransport consumes
// the video on the producer's router, asks for a key frame, and reads the size from the first packet that
// declares one (picture-size.ts); then it closes. It costs the packets of about one key frame.
import type { types } from 'mediasoup';
import { isSizedCodec, payloadPictureSize, type PictureSize } from './picture-size.js';
import { rtpPayload } from './rtp-payload.js';

export async function probePictureSize(
  router: types.Router,
  producer: types.Producer,
  timeoutMs: number,
): Promise<PictureSize | undefined> {
  const codec = producer.rtpParameters.codecs[0]?.mimeType;
  if (producer.kind !== 'video' || !codec || !isSizedCodec(codec) || router.closed || producer.closed)
    return undefined;
  const transport = await router.createDirectTransport();
  try {
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
    });
    // With layers (simulcast, SVC) a consumer prefers the top one: the picture the best-served viewers see.
    return await new Promise<PictureSize | undefined>((resolve) => {
      const done = (size: PictureSize | undefined) => {
        clearTimeout(timer);
        resolve(size);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      consumer.on('rtp', (packet) => {
        const payload = rtpPayload(packet);
        const size = payload && payloadPictureSize(codec, payload);
        if (size) done(size);
      });
      // The producer, its transport or the router went away first.
      consumer.observer.once('close', () => done(undefined));
      consumer.requestKeyFrame().catch(() => undefined);
    });
  } finally {
    transport.close();
  }
}
