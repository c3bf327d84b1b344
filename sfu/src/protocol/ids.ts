// Distinct id types: a room code can't be passed where a peer id is expected.
import { z } from 'zod';

const opaqueId = z.string().min(1).max(64);

export const RoomId = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62})$/, 'room code: 1-63 lowercase letters, digits or dashes')
  .brand<'RoomId'>();
export type RoomId = z.infer<typeof RoomId>;

export const PeerId = opaqueId.brand<'PeerId'>();
export type PeerId = z.infer<typeof PeerId>;

export const TransportId = opaqueId.brand<'TransportId'>();
export type TransportId = z.infer<typeof TransportId>;

export const ProducerId = opaqueId.brand<'ProducerId'>();
export type ProducerId = z.infer<typeof ProducerId>;

export const ConsumerId = opaqueId.brand<'ConsumerId'>();
export type ConsumerId = z.infer<typeof ConsumerId>;

/** A node of a cluster (NODE_ID). */
export const NodeId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'node id: 1-64 letters, digits, dots, dashes or underscores')
  .brand<'NodeId'>();
export type NodeId = z.infer<typeof NodeId>;
