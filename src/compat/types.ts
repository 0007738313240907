import type { SendDeps } from '../core/send-message.ts';

/** What every vendor façade is given: the native send path and the hook that wakes the workers. */
export interface CompatDeps {
  send: SendDeps;
  /** Called after messages are accepted (the notifier only if callbacks were asked for). */
  onAccepted?: ((withCallbacks: boolean) => void) | undefined;
}
