/**
 * The core's public entry: what the vendor façades (compat/) may import of the core. A façade
 * translates a vendor's request into the native use cases and their answers back, so it sees the
 * vocabulary, the ports and the use cases, never the core's internals.
 */
export type { CallbackFormatter, StatusCallbackInput } from './callbacks.ts';
export * from './idempotency.ts';
export * from './map-strings.ts';
export type * from './ports/channel.ts';
export type * from './ports/store.ts';
export * from './send-message.ts';
export * from './tenancy.ts';
export * from './vocabulary/channel.ts';
export * from './vocabulary/errors.ts';
export * from './vocabulary/message.ts';
export * from './vocabulary/status.ts';
