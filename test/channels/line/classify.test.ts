import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/channels/line/classify.ts';
import { lineConnector } from '../../../src/channels/line/index.ts';

const classify = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  lineConnector.classify({ status, headers, body });

describe('LINE classify', () => {
  it('reads a 200 as sent with the first message id', () => {
    expect(
      classify(200, { sentMessages: [{ id: '461230966842064897', quoteToken: 'q' }, { id: '2' }] }),
    ).toEqual({
      kind: 'sent',
      providerMessageId: '461230966842064897',
    });
  });

  it('reads the loading indicator 202 as sent', () => {
    expect(classify(202, {})).toEqual({ kind: 'sent' });
  });

  it('reads a 409 (retry key already accepted) as sent', () => {
    const body = { message: 'The retry key is already accepted', sentMessages: [{ id: '77' }] };
    expect(classify(409, body)).toEqual({ kind: 'sent', providerMessageId: '77' });
  });

  it('reads the monthly-limit 429 as permanent, not throttling', () => {
    expect(classify(429, { message: 'You have reached your monthly limit.' })).toEqual({
      kind: 'permanent',
      code: 'line_monthly_quota',
      reason: 'You have reached your monthly limit.',
    });
  });

  it('reads other 429s as rate limited, honouring a Retry-After if one appears', () => {
    expect(classify(429, { message: 'Too many requests' })).toEqual({
      kind: 'rate_limited',
      code: 'line_rate_limited',
      reason: 'Too many requests',
    });
    expect(classify(429, { message: 'Too many requests' }, { 'Retry-After': '3' })).toMatchObject({
      retryAfterMs: 3000,
    });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('reads 5xx as transient', () => {
    expect(classify(500, { message: 'Internal server error' })).toMatchObject({
      kind: 'transient',
      code: 'line_server_error',
    });
    expect(classify(503, '<html>down</html>')).toMatchObject({
      kind: 'transient',
      reason: 'LINE answered HTTP 503: <html>down</html>',
    });
  });

  it('reads 4xx as permanent with LINE message and details joined', () => {
    const body = {
      message: 'The request body has 2 error(s)',
      details: [
        { message: 'May not be empty', property: 'messages[0].text' },
        { message: 'Must be one of the following values: [text]', property: 'messages[1].type' },
      ],
    };
    expect(classify(400, body)).toEqual({
      kind: 'permanent',
      code: 'line_bad_request',
      reason:
        'The request body has 2 error(s): messages[0].text: May not be empty; messages[1].type: Must be one of the following values: [text]',
    });
    expect(classify(400, { message: 'Invalid reply token' })).toMatchObject({
      code: 'line_invalid_reply_token',
    });
    expect(classify(401, { message: 'Authentication failed.' })).toMatchObject({
      kind: 'permanent',
      code: 'line_unauthorized',
    });
    expect(classify(403, { message: 'Forbidden' })).toMatchObject({
      kind: 'permanent',
      code: 'line_forbidden',
    });
    expect(classify(404, { message: 'Not found' })).toMatchObject({
      kind: 'permanent',
      code: 'line_not_found',
    });
  });
});
