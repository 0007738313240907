import { describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';

const classify = (status: number, body: unknown) => telegramConnector.classify({ status, headers: {}, body });

describe('Telegram classify', () => {
  it('reads the message id of a sent message', () => {
    expect(classify(200, { ok: true, result: { message_id: 17, date: 1, chat: { id: 1 } } })).toEqual({
      kind: 'sent',
      providerMessageId: '17',
    });
  });

  it('takes the first message of a media group', () => {
    expect(classify(200, { ok: true, result: [{ message_id: 3 }, { message_id: 4 }] })).toEqual({
      kind: 'sent',
      providerMessageId: '3',
    });
  });

  it('treats `true` (sendChatAction) as sent without an id', () => {
    expect(classify(200, { ok: true, result: true })).toEqual({ kind: 'sent' });
  });

  it('rate limits with retry_after in milliseconds', () => {
    expect(
      classify(429, {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      }),
    ).toEqual({
      kind: 'rate_limited',
      code: 'telegram_429',
      retryAfterMs: 7000,
      reason: 'Too Many Requests: retry after 7',
    });
  });

  it('retries server errors and non-JSON answers', () => {
    expect(classify(502, { ok: false, error_code: 502, description: 'Bad Gateway' })).toMatchObject({
      kind: 'transient',
      reason: 'Bad Gateway',
    });
    expect(classify(502, '<html>Bad gateway</html>')).toMatchObject({ kind: 'transient' });
    expect(classify(200, undefined)).toMatchObject({ kind: 'transient' });
  });

  it.each([
    [400, 'Bad Request: chat not found'],
    [401, 'Unauthorized'],
    [403, 'Forbidden: bot was blocked by the user'],
    [404, 'Not Found'],
    [409, 'Conflict: terminated by other getUpdates request'],
  ])('fails permanently on %i with the description', (status, description) => {
    expect(classify(status, { ok: false, error_code: status, description })).toEqual({
      kind: 'permanent',
      code: `telegram_${status}`,
      reason: description,
    });
  });
});
