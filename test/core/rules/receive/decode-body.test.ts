import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../../src/core/rules/receive/decode-body.ts';
import { MAX_DEPTH } from '../../../../src/lib/unsafe-input.ts';
import { fakeChannel } from './fakes.ts';

function decode(body: string, channel = fakeChannel()) {
  const w = { channel, body: Buffer.from(body), decoded: undefined as unknown };
  decodeBody(w);
  return w.decoded;
}

describe('decode body', () => {
  it('reads JSON unless the channel decodes its own format', () => {
    expect(decode('{"a":[1]}')).toEqual({ a: [1] });
    expect(decode('<xml/>', fakeChannel({ decodeInbound: (raw) => ({ xml: raw.toString() }) }))).toEqual({
      xml: '<xml/>',
    });
  });

  it('refuses what does not decode with a 400', () => {
    const refusal = expect.objectContaining({
      code: 'GW_INVALID_JSON',
      status: 400,
      message: 'The webhook body cannot be decoded',
    });
    expect(() => decode('{')).toThrow(refusal);
    const throwing = fakeChannel({
      decodeInbound: () => {
        throw new Error('bad xml');
      },
    });
    expect(() => decode('<', throwing)).toThrow(refusal);
  });

  it('refuses a NUL character or deep nesting, naming where', () => {
    expect(() => decode('{"entry":[{"text":"a\\u0000b"}]}')).toThrow(
      expect.objectContaining({
        code: 'GW_VALIDATION',
        status: 400,
        message: '/entry/0/text: must not contain the NUL character (U+0000)',
        issues: [
          {
            pointer: '/entry/0/text',
            rule: 'noNulCharacter',
            detail: 'must not contain the NUL character (U+0000)',
          },
        ],
      }),
    );
    const deep = `${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`;
    expect(() => decode(deep)).toThrow(
      expect.objectContaining({
        code: 'GW_VALIDATION',
        issues: [expect.objectContaining({ rule: 'maxDepth' })],
      }),
    );
  });
});
