/**
 * The sandbox's test recipients (README.md), so every answer a client must handle can be provoked.
 * A number starting `999` followed by a WhatsApp error code answers with that error:
 *   999131047…  accepted, then a `failed` receipt: outside the 24-hour window (re-engagement)
 *   999131026…  accepted, then a `failed` receipt: undeliverable
 *   999133010…  refused at once: not a WhatsApp account
 *   999130429…  throughput limit on every other call (1st, 3rd, …), so a retry succeeds
 *   999131056…  pair rate limit on every other call
 *   999131000…  HTTP 500 "Something went wrong" on every other call
 * Every other valid number is a WhatsApp user who receives, then reads, what is sent.
 */
import { WA_ERRORS, type WaAnswer, waError } from './errors.ts';

export type RecipientFate =
  | { kind: 'accept' }
  | { kind: 'refuse'; answer: WaAnswer }
  | { kind: 'fail_later'; code: number; title: string; details: string };

const LATE_FAILURES: Readonly<Record<string, { title: string; details: string }>> = {
  '131047': {
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  '131026': {
    title: 'Message undeliverable',
    details:
      'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.',
  },
};

export class SandboxRecipients {
  private readonly calls = new Map<string, number>();

  fate(to: string): RecipientFate {
    const m = /^999(\d{6})/.exec(to);
    const code = m?.[1];
    if (code === undefined) return { kind: 'accept' };
    const late = LATE_FAILURES[code];
    if (late !== undefined) return { kind: 'fail_later', code: Number(code), ...late };
    if (code === '133010') {
      return {
        kind: 'refuse',
        answer: waError(400, 133010, '(#133010) Account not registered', {
          details: 'Phone number is not registered on WhatsApp',
        }),
      };
    }
    const flaky: Readonly<Record<string, () => WaAnswer>> = {
      '130429': WA_ERRORS.throughput,
      '131056': WA_ERRORS.pairRate,
      '131000': WA_ERRORS.unknownError,
    };
    const answer = flaky[code];
    if (answer === undefined) return { kind: 'accept' };
    const n = (this.calls.get(to) ?? 0) + 1;
    this.calls.set(to, n);
    if (this.calls.size > 10_000) this.calls.clear();
    return n % 2 === 1 ? { kind: 'refuse', answer: answer() } : { kind: 'accept' };
  }
}
