import { describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';

const classify = (status: number, body: unknown) => telegramConnector.classify({ status, headers: {}, body });

describe('Telegram classify', () => {
  it('names a sent message by chat and message id, as Telegram numbers messages per chat', () => {
    const sentIn = (chat: number | string) =>
      classify(200, { ok: true, result: { message_id: 17, date: 1, chat: { id: chat } } });
    expect(sentIn(1)).toEqual({ kind: 'sent', providerMessageId: '1:17' });
    expect(sentIn(-1001234567890)).toEqual({ kind: 'sent', providerMessageId: '-1001234567890:17' });
    expect(sentIn(1)).not.toEqual(sentIn(2));
  });

  it('takes the first message of a media group', () => {
    const chat = { id: 42 };
    expect(
      classify(200, {
        ok: true,
        result: [
          { message_id: 3, chat },
          { message_id: 4, chat },
        ],
      }),
    ).toEqual({ kind: 'sent', providerMessageId: '42:3' });
  });

  it('keeps the bare id of a result without a chat (copyMessage answers a MessageId)', () => {
    expect(classify(200, { ok: true, result: { message_id: 9 } })).toEqual({
      kind: 'sent',
      providerMessageId: '9',
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
    expect(classify(503, '<html>Service unavailable</html>')).toMatchObject({ kind: 'transient' });
    expect(classify(404, '<html>Not found</html>')).toMatchObject({ kind: 'transient' });
  });

  it('a proxy 502 leaves the outcome unknown; a 2xx is sent even when its body cannot be read', () => {
    expect(classify(502, '<html>Bad gateway</html>')).toMatchObject({
      kind: 'maybe_sent',
      code: 'telegram_http_502',
    });
    expect(classify(200, undefined)).toEqual({ kind: 'sent' });
    expect(classify(200, '{"ok":true,"result":{"mess')).toEqual({ kind: 'sent' });
    expect(classify(200, { ok: true })).toEqual({ kind: 'sent' });
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
