/**
 * Every WhatsApp answer mapped to sent / rate_limited / transient / permanent by its Graph code,
 * using the emulator's own error bodies where it produces them.
 */
import { describe, expect, it } from 'vitest';
import { WA_ERRORS, waError } from '../../../src/channels/whatsapp/emulator/errors.ts';
import { whatsappConnector } from '../../../src/channels/whatsapp/index.ts';
import type { ProviderResponse } from '../../../src/core/vocabulary/channel.ts';

const classify = (status: number, body: unknown): ReturnType<typeof whatsappConnector.classify> =>
  whatsappConnector.classify({ status, headers: {}, body } satisfies ProviderResponse);
const from = (a: { status: number; body: unknown }) => classify(a.status, a.body);

describe('WhatsApp classify', () => {
  it('success carries the wamid', () => {
    expect(
      classify(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: '1650', wa_id: '1650' }],
        messages: [{ id: 'wamid.XYZ' }],
      }),
    ).toEqual({ kind: 'sent', providerMessageId: 'wamid.XYZ' });
  });

  it('throughput, app and WABA limits are rate limits without a wait hint', () => {
    expect(from(WA_ERRORS.throughput())).toMatchObject({ kind: 'rate_limited', code: 'whatsapp_130429' });
    expect(from(waError(400, 4, '(#4) Application request limit reached'))).toEqual({
      kind: 'rate_limited',
      code: 'whatsapp_4',
      reason: '(#4) Application request limit reached',
    });
    expect(from(waError(400, 80007, 'Rate limit issues'))).toMatchObject({
      kind: 'rate_limited',
      code: 'whatsapp_80007',
    });
  });

  it('the pair rate limit waits the documented six seconds', () => {
    expect(from(WA_ERRORS.pairRate())).toMatchObject({
      kind: 'rate_limited',
      code: 'whatsapp_131056',
      retryAfterMs: 6000,
    });
  });

  it('131000 and 131016 are transient', () => {
    expect(from(WA_ERRORS.unknownError())).toMatchObject({ kind: 'transient', code: 'whatsapp_131000' });
    expect(from(waError(503, 131016, '(#131016) Service unavailable'))).toMatchObject({
      kind: 'transient',
      code: 'whatsapp_131016',
    });
  });

  it('permanent refusals keep WhatsApp words in the reason', () => {
    expect(from(WA_ERRORS.reengagement())).toEqual({
      kind: 'permanent',
      code: 'whatsapp_reengagement_window',
      reason:
        '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
    expect(from(WA_ERRORS.invalidToken())).toMatchObject({
      kind: 'permanent',
      code: 'whatsapp_access_token',
    });
    expect(from(waError(400, 131026, 'Message undeliverable'))).toMatchObject({
      kind: 'permanent',
      code: 'whatsapp_undeliverable',
      reason: '(#131026) Message undeliverable',
    });
    expect(from(WA_ERRORS.templateMissing('x', 'en_US'))).toMatchObject({
      kind: 'permanent',
      code: 'whatsapp_template_missing',
    });
    expect(
      from(WA_ERRORS.invalidParameter("Param text['body'] must be at most 4096 characters long.")),
    ).toMatchObject({
      kind: 'permanent',
      code: 'whatsapp_invalid_parameter',
      reason: "(#100) Invalid parameter: Param text['body'] must be at most 4096 characters long.",
    });
  });

  it('an unknown code is permanent on 4xx, transient on 5xx', () => {
    expect(classify(400, { error: { message: 'x', code: 123456 } })).toMatchObject({
      kind: 'permanent',
      code: 'whatsapp_123456',
    });
    expect(classify(502, { error: { message: 'x', code: 123456 } })).toMatchObject({ kind: 'transient' });
  });

  it('answers without the Graph envelope go by HTTP status', () => {
    expect(classify(502, '<html>Bad gateway</html>')).toMatchObject({
      kind: 'maybe_sent',
      code: 'whatsapp_http_502',
    });
    expect(classify(503, '<html>Unavailable</html>')).toMatchObject({ kind: 'transient' });
    expect(classify(200, '{"messaging_product":"whatsa')).toEqual({ kind: 'sent' });
    expect(classify(429, '')).toMatchObject({ kind: 'rate_limited', code: 'whatsapp_http_429' });
    expect(classify(404, 'nope')).toMatchObject({ kind: 'permanent', code: 'whatsapp_http_404' });
  });
});
