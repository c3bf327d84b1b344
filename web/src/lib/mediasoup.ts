// mediasoup-client wiring shared by the camera and the viewer: device loading and transports whose
// `connect`/`produce` callbacks are answered over signaling.
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { IceServer, Result, RtpCapabilities, RtpParameters } from '@inclubit/sfu/protocol';
import type { SignalingClient } from './signaling';

// The protocol's schemas mirror mediasoup's server types; mediasoup-client names a few fields with narrower
// unions (header-extension URIs, fingerprint algorithms). The values come from the server's mediasoup
// unchanged and mediasoup-client validates them again on use, so these are the only narrowing casts.
const asClientCapabilities = (c: RtpCapabilities) => c as types.RtpCapabilities;
export const asClientRtpParameters = (p: RtpParameters) => p as types.RtpParameters;
const asClientTransportOptions = (o: Result<'createTransport'>, ice: IceOptions): types.TransportOptions => ({
  id: o.transportId,
  iceParameters: o.iceParameters,
  iceCandidates: o.iceCandidates as types.IceCandidate[],
  dtlsParameters: o.dtlsParameters as types.DtlsParameters,
  iceServers: ice.iceServers,
  iceTransportPolicy: ice.relayOnly ? 'relay' : 'all',
});

export interface IceOptions {
  /** TURN servers with short-lived credentials, from the join answer. */
  iceServers: IceServer[];
  /** Only relay through TURN: `?relay=1` on a page URL, to check a TURN setup from a browser. */
  relayOnly: boolean;
}

export const relayOnlyRequested = () => new URLSearchParams(location.search).get('relay') === '1';

const devices = new Map<string, Promise<Device>>();

/**
 * A Device for these router capabilities. Loading one probes the browser with a throwaway peer connection
 * (hundreds of ms on a busy headset); a rejoin after a crash or restart gets the same capabilities, so the
 * loaded device is kept and reused.
 */
export function loadDevice(routerRtpCapabilities: RtpCapabilities): Promise<Device> {
  const key = JSON.stringify(routerRtpCapabilities);
  let device = devices.get(key);
  if (!device) {
    device = (async () => {
      const d = new Device();
      await d.load({ routerRtpCapabilities: asClientCapabilities(routerRtpCapabilities) });
      return d;
    })();
    devices.set(key, device);
    device.catch(() => devices.delete(key));
  }
  return device;
}

export async function createTransport(
  signaling: SignalingClient,
  device: Device,
  direction: 'send' | 'recv',
  ice: IceOptions,
): Promise<types.Transport> {
  const options = await signaling.request('createTransport', { direction });
  const transportId = options.transportId;
  const transport =
    direction === 'send'
      ? device.createSendTransport(asClientTransportOptions(options, ice))
      : device.createRecvTransport(asClientTransportOptions(options, ice));

  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signaling.request('connectTransport', { transportId, dtlsParameters }).then(() => callback(), errback);
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      signaling
        .request('produce', { transportId, kind, rtpParameters })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
  }
  return transport;
}
