/**
 * The core's public entry: what the vendor façades (compat/) may import of the core. Issue 19 moves
 * the rest of the vocabulary behind it; until then it holds what a façade needs that lives here.
 */
export type { CallbackFormatter, StatusCallbackInput } from './callbacks.ts';
