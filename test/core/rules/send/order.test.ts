/**
 * The declared order of the send rules, and what it decides: when two rules would refuse the
 * same request, which one answers.
 */
import { describe, expect, it } from 'vitest';
import type { Contact, Conversation } from '../../../../src/core/ports/store.ts';
import {
  previewRules,
  REQUEST_RULES,
  runSendRules,
  SEND_RULES,
  type SendPorts,
} from '../../../../src/core/rules/send/index.ts';
import type { SendUnderCheck } from '../../../../src/core/rules/send/rule.ts';
import type { Capability } from '../../../../src/core/vocabulary/channel.ts';
import { fakeChannel, fakeSend, NOW } from './fakes.ts';

const names = (rules: ReadonlyArray<{ name: string }>) => rules.map((r) => r.name);

/** A channel with a window, a reply token, linked media, limits and an address rule. */
const base = fakeChannel();
const channel = fakeChannel({
  capabilities: { ...base.capabilities, location: { support: 'refused', reason: 'no maps' } as Capability },
  checkRecipient: (to) => (/^\d+$/.test(to) ? undefined : 'digits only'),
  check: (m) =>
    m.type === 'text' && m.text.length > 20 ? [{ pointer: '/message/text', rule: 'max', detail: '20' }] : [],
  sessionWindow: { hours: 24, allowedOutside: () => false, outside: 'nothing' },
  replyWindow: {
    validForMs: 60_000,
    tokenOf: (o) => o?.['replyToken'] as string | undefined,
    fallbackAllowed: () => false,
    withoutToken: (o) => o,
    pointer: '/options/fake/replyToken',
  },
  linkedMedia: {
    links: (m) => (m.type === 'media' && m.url ? [{ pointer: '/message/url', url: m.url }] : []),
    check: () => [{ pointer: '/message/url', rule: 'media', detail: 'refused' }],
  },
});

/** Everyone wrote two days ago, opted out, is at their cap and asleep; every token is stale. */
const port: SendPorts = {
  destinationGuard: { urlRefusal: (url) => (url.includes('127.0.0.1') ? 'loopback' : undefined) },
  probeMedia: async (url) => ({ ok: true, facts: { url } }),
  conversations: {
    lastInbound: async (_t, _a, addresses) => new Map(addresses.map((a) => [a, '2026-02-27T12:00:00Z'])),
    ownedByAgent: async () => new Map<string, Conversation>(),
  },
  contacts: {
    contactFor: async (_t, _c, _a, address) => `ct_${address}`,
    get: async (_t, id) => ({ id, timeZone: 'Asia/Bangkok' }) as Contact,
  },
  policy: {
    consentFor: async () => ({
      channel: '*',
      purpose: 'marketing',
      status: 'opted_out',
      source: 'api',
      updatedAt: '',
    }),
    getCap: async (_t, group) => (group === 'promo' ? { group, perDay: 1 } : undefined),
    countInGroup: async () => [1],
  },
  inbound: { replyTokenReceivedAt: async () => '2026-03-01T00:00:00Z' },
  defaultTtlSeconds: { fake: 60 },
};

/** The first refusal of the declared order, as the send would answer it. */
async function answer(send: Partial<SendUnderCheck>, ports: Partial<SendPorts> = {}) {
  const full = fakeSend(send);
  try {
    await runSendRules(SEND_RULES, full, channel, { ...port, ...ports }, () => NOW);
    return 'accepted';
  } catch (e) {
    const { code, issues } = e as { code: string; issues: Array<{ pointer: string; rule: string }> };
    return { code, issues: issues.map((i) => `${i.pointer} ${i.rule}`) };
  }
}

const quietNight = { start: '21:00', end: '23:59', mode: 'reject' } as const;
const everything = { checkConsent: true, applyFrequencyCap: true, group: 'promo', quietHours: quietNight };

describe('the declared order of the send rules', () => {
  it('is this', () => {
    expect(names(SEND_RULES)).toEqual([
      'capability',
      'canonical-message',
      'recipient-address',
      'expiry',
      'channel-limits',
      'callback-destination',
      'request-gate',
      'linked-media',
      'session-window',
      'conversation-ownership',
      'recipient-contacts',
      'consent',
      'frequency-cap',
      'quiet-hours',
      'contact-policy-gate',
      'reply-window',
      'default-expiry',
    ]);
    expect(SEND_RULES.slice(0, REQUEST_RULES.length)).toEqual(REQUEST_RULES);
    expect(names(previewRules(false))).not.toContain('recipient-address');
    expect(previewRules(true)).toEqual(REQUEST_RULES);
  });

  it('answers a kind the channel cannot carry before anything else', async () => {
    expect(
      await answer({
        to: 'x',
        expiresAt: '2000-01-01T00:00:00Z',
        message: { type: 'location', latitude: 0, longitude: 0 },
      }),
    ).toEqual({
      code: 'GW_CAPABILITY',
      issues: ['/message/type channel_capability'],
    });
  });

  it('reports the request’s own problems together, the limits waiting for them', async () => {
    expect(
      await answer({
        to: ['1', 'x'],
        message: { type: 'media', mediaType: 'image' },
        expiresAt: '2000-01-01T00:00:00Z',
        callbackUrl: 'http://127.0.0.1/',
      }),
    ).toEqual({
      code: 'GW_VALIDATION',
      issues: [
        '/message/url required',
        '/to/1 recipient',
        '/expiresAt future',
        '/callbackUrl public_address',
      ],
    });
  });

  it('answers the channel’s limits before a refused callback address, which the limits never read', async () => {
    const long = { type: 'text', text: 'longer than twenty characters' } as const;
    expect(await answer({ message: long, callbackUrl: 'http://127.0.0.1/' })).toEqual({
      code: 'GW_CAPABILITY',
      issues: ['/message/text max'],
    });
    expect(await answer({ callbackUrl: 'http://127.0.0.1/' })).toMatchObject({ code: 'GW_VALIDATION' });
  });

  it('refuses linked media before the session window, and the window before the contact policy', async () => {
    const media = { type: 'media', mediaType: 'image', url: 'https://example.com/a.jpg' } as const;
    expect(await answer({ message: media, policy: everything })).toEqual({
      code: 'GW_CAPABILITY',
      issues: ['/message/url media'],
    });
    expect(await answer({ policy: everything })).toEqual({
      code: 'GW_SESSION_WINDOW',
      issues: ['/to session_window'],
    });
  });

  it('refuses a cap without its group before any recipient’s consent', async () => {
    const recent = { conversations: { ...port.conversations, lastInbound: async () => new Map() } };
    expect(await answer({ policy: { checkConsent: true, applyFrequencyCap: true } }, recent)).toEqual({
      code: 'GW_VALIDATION',
      issues: ['/policy/group required'],
    });
  });

  it('gathers the contact policy per recipient, then refuses it before the reply window', async () => {
    const recent = { conversations: { ...port.conversations, lastInbound: async () => new Map() } };
    const at = '2026-03-01T15:00:00Z'; // 22:00 in Bangkok
    const send = { to: ['1', '2'], policy: everything, options: { fake: { replyToken: 'old' } } };
    const full = fakeSend(send);
    await expect(
      runSendRules(SEND_RULES, full, channel, { ...port, ...recent }, () => new Date(at)),
    ).rejects.toMatchObject({
      code: 'GW_POLICY_REJECTED',
      issues: ['/to/0', '/to/0', '/to/0', '/to/1', '/to/1', '/to/1'].map((pointer, i) => ({
        pointer,
        rule: ['consent', 'frequency_cap', 'quiet_hours'][i % 3],
      })),
    });
    expect(await answer({ options: { fake: { replyToken: 'old' } } }, recent)).toEqual({
      code: 'GW_SESSION_WINDOW',
      issues: ['/options/fake/replyToken reply_token_expired'],
    });
  });

  it('accepts what passes every rule, with the channel’s default expiry', async () => {
    const recent = { conversations: { ...port.conversations, lastInbound: async () => new Map() } };
    const decided = await runSendRules(SEND_RULES, fakeSend(), channel, { ...port, ...recent }, () => NOW);
    expect(decided).toMatchObject({
      expiresAt: '2026-03-01T12:01:00.000Z',
      accept: { refuseAgentOwned: true },
    });
  });
});
