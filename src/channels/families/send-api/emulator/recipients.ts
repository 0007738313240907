/**
 * The sandbox's test recipients (README.md), so every answer a client must handle can be provoked
 * by the recipient id alone: 999… no such person, 551… unavailable, 278… outside the 24-hour
 * window (unless tagged), 200… a permission error, and 613… / 120… throttled or a temporary
 * failure on every other call (the 1st, 3rd, …) so a retry of the same message succeeds.
 */
import { graphErrorBody } from '../../meta-graph/errors.ts';
import { SCOPED_ID } from '../limits.ts';

/** What the emulator answers: a status, a body, and headers where the provider sends any. */
export interface GraphAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An answer in the Graph error envelope. */
export const graphError = (
  status: number,
  code: number,
  message: string,
  extra: { subcode?: number; type?: string } = {},
): GraphAnswer => ({ status, body: graphErrorBody(code, message, extra) });

export class SandboxRecipients {
  private readonly calls = new Map<string, number>();

  /** Why a send to this recipient fails, or undefined when it goes through. */
  refusal(recipient: string, tagged: boolean): GraphAnswer | undefined {
    if (!SCOPED_ID.test(recipient) || recipient.startsWith('999')) {
      return graphError(400, 100, '(#100) No matching user found', { subcode: 2018001 });
    }
    if (recipient.startsWith('551')) {
      return graphError(400, 551, "(#551) This person isn't available right now.", { subcode: 1545041 });
    }
    if (recipient.startsWith('278') && !tagged) {
      return graphError(
        400,
        10,
        '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
        { subcode: 2018278 },
      );
    }
    if (recipient.startsWith('200')) {
      return graphError(403, 200, '(#200) Requires pages_messaging permission to manage the object');
    }
    if ((recipient.startsWith('613') || recipient.startsWith('120')) && this.count(recipient) % 2 === 1) {
      if (recipient.startsWith('120')) {
        return graphError(500, 1200, '(#1200) Temporary send message failure. Please try again later');
      }
      return {
        ...graphError(400, 613, '(#613) Calls to this api have exceeded the rate limit.'),
        // Graph gives no Retry-After; the usage header says when access returns (here: at once).
        headers: {
          'x-business-use-case-usage': JSON.stringify({
            sandbox: [
              {
                type: 'messenger',
                call_count: 100,
                total_cputime: 1,
                total_time: 1,
                estimated_time_to_regain_access: 0,
              },
            ],
          }),
        },
      };
    }
    return undefined;
  }

  private count(recipient: string): number {
    const n = (this.calls.get(recipient) ?? 0) + 1;
    this.calls.set(recipient, n);
    if (this.calls.size > 10_000) {
      const oldest = this.calls.keys().next();
      if (!oldest.done) this.calls.delete(oldest.value);
    }
    return n;
  }
}
