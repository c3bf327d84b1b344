export * from './ids.js';
export * from './rtp.js';
export * from './errors.js';
export * from './messages.js';
export * from './envelope.js';
export * from './http-api.js';
export * from './recordings.js';
export * from './presence.js';
