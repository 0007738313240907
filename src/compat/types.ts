import type { SendDeps } from '../core/index.ts';
import type { CredentialHasher } from '../lib/crypto.ts';

/** What every vendor façade is given: the native send path and the hook that wakes the workers. */
export interface CompatDeps {
  send: SendDeps;
  /** Hashes a presented credential for lookup (keyed by the master key). */
  credentialHash: CredentialHasher;
  /** Called after messages are accepted (the notifier only if callbacks were asked for). */
  onAccepted?: ((withCallbacks: boolean) => void) | undefined;
}
