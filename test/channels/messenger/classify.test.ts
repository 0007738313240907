/**
 * Every Send API answer mapped to what the dispatcher does: Graph's throttling codes wait, its
 * temporary failures retry, and the rest fail with Meta's reason.
 */
import { describe, expect, it } from 'vitest';
import { graphErrorBody } from '../../../src/channels/families/meta-graph/errors.ts';
import { messengerConnector as c } from '../../../src/channels/messenger/index.ts';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  c.classify({ status, headers, body });
const graph = (status: number, code: number, message: string, subcode?: number) =>
  answer(status, graphErrorBody(code, message, subcode !== undefined ? { subcode } : {}));

describe('Messenger classify', () => {
  it('a send is sent with its message id; a sender action without one', () => {
    expect(answer(200, { recipient_id: '1', message_id: 'm_abc' })).toEqual({
      kind: 'sent',
      providerMessageId: 'm_abc',
    });
    expect(answer(200, { recipient_id: '1' })).toEqual({ kind: 'sent' });
  });

  it('throttling codes are rate limited, waiting as long as the usage header says', () => {
    for (const code of [613, 4, 32, 80006]) {
      expect(graph(400, code, 'slow down')).toMatchObject({
        kind: 'rate_limited',
        code: `messenger_${code}`,
      });
    }
    const usage = JSON.stringify({ '123': [{ type: 'messenger', estimated_time_to_regain_access: 2 }] });
    expect(answer(400, graphErrorBody(613, 'x'), { 'x-business-use-case-usage': usage })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 120_000,
    });
    expect(graph(400, 613, 'x')).not.toHaveProperty('retryAfterMs');
  });

  it('temporary failures and 5xx are transient', () => {
    expect(graph(500, 1200, '(#1200) Temporary send message failure')).toMatchObject({
      kind: 'transient',
      code: 'messenger_1200',
    });
    expect(graph(500, 2, 'An unexpected error has occurred')).toMatchObject({
      kind: 'transient',
      code: 'messenger_2',
    });
  });

  it('a proxy 5xx leaves the outcome unknown (503: not taken); a 2xx is sent even unreadable', () => {
    expect(answer(502, '<html>Bad Gateway</html>')).toMatchObject({
      kind: 'maybe_sent',
      code: 'messenger_http_502',
    });
    expect(answer(503, '<html>Service Unavailable</html>')).toMatchObject({ kind: 'transient' });
    expect(answer(200, '{"recipient_id":"1","mess')).toEqual({ kind: 'sent' });
    expect(answer(404, '<html>Not Found</html>')).toMatchObject({
      kind: 'transient',
      code: 'messenger_bad_answer',
    });
  });

  it('the rest are permanent with Meta’s reason and what it means', () => {
    expect(graph(400, 10, '(#10) This message is sent outside of allowed window.', 2018278)).toEqual({
      kind: 'permanent',
      code: 'messenger_10_2018278',
      reason: expect.stringContaining('MESSAGE_TAG'),
    });
    expect(graph(400, 100, '(#100) No matching user found', 2018001)).toMatchObject({
      kind: 'permanent',
      code: 'messenger_100_2018001',
      reason: expect.stringContaining('No matching user found'),
    });
    expect(graph(400, 551, "(#551) This person isn't available right now.")).toMatchObject({
      kind: 'permanent',
      code: 'messenger_551',
    });
    expect(graph(403, 200, '(#200) Requires pages_messaging permission')).toMatchObject({
      kind: 'permanent',
    });
    expect(graph(400, 190, 'Invalid OAuth access token')).toMatchObject({
      kind: 'permanent',
      code: 'messenger_190',
      reason: expect.stringContaining('credentials'),
    });
    expect(graph(400, 100, '(#100) Param message[text] must be non-empty')).toMatchObject({
      kind: 'permanent',
      code: 'messenger_100',
    });
  });
});
