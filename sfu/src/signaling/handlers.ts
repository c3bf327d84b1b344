// Method → handler, typed from the protocol: each handler receives exactly its method's params.
import type { AnyRequest, Method, Params, Result } from '../protocol/index.js';
import type { SignalingSession } from './session.js';

type Handler<M extends Method> = (session: SignalingSession, params: Params<M>) => Promise<Result<M>>;

const handlers: { [M in Method]: Handler<M> } = {
  join: (s, p) => s.join(p),

  resume: (s, p) => Promise.resolve(s.resume(p)),

  restartIce: (s, p) => {
    const { room, peer } = s.joined();
    return room.restartIce(peer, p.transportId);
  },

  setStream: (s, p) => {
    const { room, peer } = s.joined();
    room.setStream(peer, p);
    return Promise.resolve({});
  },

  createTransport: (s, p) => {
    const { room, peer } = s.joined();
    return room.createTransport(peer, p.direction);
  },

  connectTransport: async (s, p) => {
    const { room, peer } = s.joined();
    await room.connectTransport(peer, p.transportId, p.dtlsParameters);
    return {};
  },

  produce: async (s, p) => {
    const { room, peer } = s.joined();
    return { producerId: await room.produce(peer, p) };
  },

  closeProducer: (s, p) => {
    const { room, peer } = s.joined();
    room.closeProducer(peer, p.producerId);
    return Promise.resolve({});
  },

  pauseProducer: async (s, p) => {
    const { room, peer } = s.joined();
    await room.pauseProducer(peer, p.producerId);
    return {};
  },

  resumeProducer: async (s, p) => {
    const { room, peer } = s.joined();
    await room.resumeProducer(peer, p.producerId);
    return {};
  },

  setTalkback: async (s, p) => {
    const { room, peer } = s.joined();
    await room.setTalkback(peer, p);
    return {};
  },

  setDisplayName: (s, p) => {
    const { room, peer } = s.joined();
    room.setDisplayName(peer, p.displayName);
    return Promise.resolve({});
  },

  muteViewer: async (s, p) => {
    const { room, peer } = s.joined();
    await room.muteViewer(peer, p.peerId);
    return {};
  },

  consume: (s, p) => {
    const { room, peer } = s.joined();
    return room.consume(peer, p);
  },

  setQuality: async (s, p) => {
    const { room, peer } = s.joined();
    return { layers: await room.setQuality(peer, p) };
  },

  resumeConsumer: async (s, p) => {
    const { room, peer } = s.joined();
    await room.resumeConsumer(peer, p.consumerId);
    return {};
  },

  leave: (s) => {
    s.leave();
    return Promise.resolve({});
  },

  ping: () => Promise.resolve({}),

  reportStats: (s, p) => {
    s.joined().peer.stats = p;
    return Promise.resolve({});
  },

  watchRooms: async (s) => ({ rooms: await s.watchRooms() }),

  kickPeer: (s, p) => {
    s.requireOperator();
    s.room(p.room).kick(p.peerId, 'removed by the operator');
    return Promise.resolve({});
  },

  closeRoom: (s, p) => {
    s.operate(p.room, { close: 'closed by the operator' });
    return Promise.resolve({});
  },

  setRoomLimit: (s, p) => {
    s.operate(p.room, { maxViewers: p.maxViewers });
    return Promise.resolve({});
  },

  reportGaze: (s, p) => {
    s.reportGaze(p);
    return Promise.resolve({});
  },

  lookHere: (s, p) => s.lookHere(p),

  cueSeen: (s, p) => {
    s.cueSeen(p);
    return Promise.resolve({});
  },

  watchPresence: (s, p) => {
    s.watchPresence(p);
    return Promise.resolve({});
  },
};

type RequestFor<M extends Method> = { [K in M]: { method: K; params: Params<K> } }[M];

function run<M extends Method>(session: SignalingSession, request: RequestFor<M>): Promise<Result<M>> {
  const handler: Handler<M> = handlers[request.method];
  return handler(session, request.params);
}

/** Runs the request's handler; a synchronous throw becomes a rejection like any other failure. */
export async function dispatch(session: SignalingSession, request: AnyRequest): Promise<unknown> {
  return await run(session, request);
}
