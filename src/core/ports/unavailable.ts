/**
 * The store could not be reached, or its connection was lost mid-request (a server restart, a
 * terminated backend, a reset socket). Adapters throw this in place of their driver's error, so
 * the API answers 503 without knowing the driver; a write that failed so may or may not have
 * been applied (its COMMIT may have gone unanswered).
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the store cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}
