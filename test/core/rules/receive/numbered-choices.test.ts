import { describe, expect, it } from 'vitest';
import { answerNumberedChoices } from '../../../../src/core/rules/receive/numbered-choices.ts';
import type { InboundEvent } from '../../../../src/core/vocabulary/channel.ts';
import { ACCOUNT, at, fakeStore, message } from './fakes.ts';

const CHOICES = {
  messageId: 'msg_1',
  choices: [
    { number: 1, title: 'Red', payload: 'RED' },
    { number: 2, title: 'Blue', payload: 'BLUE' },
  ],
};

async function answer(events: InboundEvent[], store = fakeStore()) {
  store.choices.set('u1', CHOICES);
  await answerNumberedChoices({ account: ACCOUNT, events, store });
  return { events, store };
}

describe('numbered choices', () => {
  it('adds the postback of the choice a person typed the number of, after the events', async () => {
    const typed = message('u1', ' 2) ', { providerEventId: 'ev1', replyToken: 'rt1' });
    const { events, store } = await answer([typed, message('u2', 'hello')]);
    expect(events).toEqual([
      typed,
      message('u2', 'hello'),
      {
        kind: 'postback',
        from: 'u1',
        payload: 'BLUE',
        occurredAt: at('2026-03-01T10:00:00Z'),
        providerEventId: 'ev1#choice',
        replyToken: 'rt1',
        choice: { messageId: 'msg_1', number: 2, text: ' 2) ' },
      },
    ]);
    expect(store.calls).toEqual([{ method: 'messages.latestChoices', args: ['tn_1', 'ca_1', 'u1'] }]);
  });

  it('takes "1." and "1" alike, without ids the event did not have', async () => {
    const { events } = await answer([message('u1', '1.'), message('u1', '1')]);
    expect(events.slice(2).map((e) => (e.kind === 'postback' ? e.payload : e.kind))).toEqual(['RED', 'RED']);
    expect(Object.keys(events[2]!)).not.toContain('providerEventId');
    expect(Object.keys(events[2]!)).not.toContain('replyToken');
  });

  it('adds nothing for a number with no such choice, a person with none, or other text', async () => {
    const { events, store } = await answer([
      message('u1', '3'),
      message('u9', '1'),
      message('u1', 'one'),
      message('u1', '123456'),
      { kind: 'postback', from: 'u1', payload: '1', occurredAt: at('2026-03-01T10:00:00Z') },
    ]);
    expect(events).toHaveLength(5);
    expect(store.methods()).toEqual(['messages.latestChoices', 'messages.latestChoices']);
  });
});
