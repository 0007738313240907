import { describe, expect, it } from 'vitest';
import { change, flag, gate, PASS, refuse, type SendRule } from '../../../../src/core/rules/send/rule.ts';
import { runSendRules } from '../../../../src/core/rules/send/run.ts';
import { validationError } from '../../../../src/core/vocabulary/errors.ts';
import { fakeChannel, fakeSend, NOW } from './fakes.ts';

const issue = (pointer: string, rule = 'r') => ({ pointer, rule, detail: pointer });
const rule = (name: string, verdict: SendRule['check']): SendRule => ({ name, check: verdict });
/** A rule that records that it ran, then answers. */
const logged = (ran: string[], name: string, verdict: SendRule['check']): SendRule =>
  rule(name, (context) => {
    ran.push(name);
    return verdict(context);
  });
const run = (rules: SendRule[], send = fakeSend({ to: ['1', '2'] })) =>
  runSendRules(rules, send, fakeChannel(), {}, () => NOW);
const toGate = gate('gate', (issues) => validationError(issues));

describe('running send rules', () => {
  it('stops at a refusal: no later rule runs', async () => {
    const ran: string[] = [];
    const rules = [
      logged(ran, 'a', () => PASS),
      logged(ran, 'b', () => refuse([issue('/b')], 'GW_SESSION_WINDOW')),
      logged(ran, 'c', () => PASS),
    ];
    await expect(run(rules)).rejects.toMatchObject({ code: 'GW_SESSION_WINDOW', issues: [issue('/b')] });
    expect(ran).toEqual(['a', 'b']);
  });

  it('gathers flags up to a gate, the request’s first, then each recipient’s in rule order', async () => {
    const rules = [
      rule('a', () => change({ recipients: [undefined, { issues: [issue('/to/1', 'a')] }] })),
      rule('b', () => flag([issue('/message')])),
      rule('c', () =>
        change({ recipients: [{ issues: [issue('/to/0', 'c')] }, { issues: [issue('/to/1', 'c')] }] }),
      ),
      toGate,
      rule('never', () => refuse([issue('/x')])),
    ];
    await expect(run(rules)).rejects.toMatchObject({
      code: 'GW_VALIDATION',
      issues: [issue('/message'), issue('/to/0', 'c'), issue('/to/1', 'a'), issue('/to/1', 'c')],
    });
  });

  it('lets later rules see what was flagged, and passes a gate with nothing flagged', async () => {
    const seen: number[] = [];
    const rules = [
      rule('a', ({ decided }) => {
        seen.push(decided.flagged.length);
        return flag([issue('/a')]);
      }),
      rule('b', ({ decided }) => {
        seen.push(decided.flagged.length);
        return PASS;
      }),
    ];
    await run(rules);
    expect(seen).toEqual([0, 1]);
    await expect(run([toGate])).resolves.toMatchObject({ flagged: [] });
  });

  it('builds what the send renders and accepts from the changes', async () => {
    const note = { pointer: '/options', from: 'reply', to: 'push', rule: 'n' };
    const decided = await run([
      rule('contacts', () => change({ recipients: [{ contactId: 'ct_1', record: {} }, { record: {} }] })),
      rule('consent', async () =>
        change({ recipients: [{ record: { consent: 1 } }, { record: { consent: 2 } }] }),
      ),
      rule('quiet', () =>
        change({ recipients: [undefined, { record: { quiet: true }, holdUntil: 'later' }] }),
      ),
      rule('owner', () =>
        change({ recipients: [{ forcedInto: 'conv_1' }], accept: { refuseAgentOwned: true } }),
      ),
      rule('cap', () => change({ accept: { policyGroup: 'g' } })),
      rule('media', () =>
        change({ media: { media: { '/message/url': { unavailable: 'x' } }, notes: [note] } }),
      ),
      rule('reply', () => change({ options: { fake: {} }, note })),
      rule('expiry', () => change({ expiresAt: '2026-03-02T00:00:00Z' })),
    ]);
    expect(decided).toEqual({
      flagged: [],
      options: { fake: {} },
      expiresAt: '2026-03-02T00:00:00Z',
      media: { '/message/url': { unavailable: 'x' } },
      mediaNotes: [note],
      notes: [note],
      recipients: [
        { contactId: 'ct_1', policy: { consent: 1 }, forcedInto: 'conv_1' },
        { policy: { consent: 2, quiet: true }, notBefore: 'later' },
      ],
      accept: { refuseAgentOwned: true, policyGroup: 'g' },
    });
  });
});
