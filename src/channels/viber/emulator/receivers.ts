/**
 * The sandbox's test receivers, so every answer a client must handle can be provoked. Each is a
 * valid-looking subscriber id whose first characters name the outcome (README.md):
 *   status5… / status6… / status7… / status11…  answer that Viber status every time
 *   status12…  answers tooManyRequests on every other call (1st, 3rd, …), so a retry succeeds
 *   failedDlr…  is accepted (status 0) and then reported `failed` through the webhook
 * Any other subscriber id is an ordinary subscribed user.
 */
export type ReceiverOutcome = { status: number } | { accept: 'deliver' | 'fail_after' };

export function sandboxReceiver(receiver: string, callNumber: () => number): ReceiverOutcome {
  const fixed = /^status(5|6|7|11)[A-Z]/.exec(receiver);
  if (fixed) return { status: Number(fixed[1]) };
  if (receiver.startsWith('status12')) return callNumber() % 2 === 1 ? { status: 12 } : { accept: 'deliver' };
  if (receiver.startsWith('failedDlr')) return { accept: 'fail_after' };
  return { accept: 'deliver' };
}

/** Sentinels as full ids, for tests and docs. */
export const VIBER_SANDBOX_RECEIVERS = {
  user: 'jc9HsWTZ2Yf2NkRZ8KcNug==',
  notRegistered: 'status5AAAAAAAAAAAAAAA==',
  notSubscribed: 'status6AAAAAAAAAAAAAAA==',
  accountBlocked: 'status7AAAAAAAAAAAAAAA==',
  noSuitableDevice: 'status11AAAAAAAAAAAAAA==',
  tooManyRequests: 'status12AAAAAAAAAAAAAA==',
  failsAfterAccept: 'failedDlrAAAAAAAAAAAAA==',
} as const;
