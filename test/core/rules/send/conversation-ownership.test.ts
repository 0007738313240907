import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../../src/core/ports/store.ts';
import {
  changedHandsRefusal,
  conversationOwnership,
  ownedConversationsRefusal,
} from '../../../../src/core/rules/send/conversation-ownership.ts';
import { context, fakeSend } from './fakes.ts';

function owners(byAddress: Record<string, { id: string; agentId?: string }>) {
  const reads: string[][] = [];
  return {
    reads,
    conversations: {
      ownedByAgent: async (_tenantId: string, _accountId: string, addresses: string[]) => {
        reads.push(addresses);
        return new Map(
          addresses.flatMap((a) => {
            const c = byAddress[a];
            return c ? [[a, { ...c, owner: 'agent' } as Conversation] as const] : [];
          }),
        );
      },
    },
  };
}

describe('conversation ownership', () => {
  it('leaves an unforced send to the accept, reading nothing', () => {
    const port = owners({ '100': { id: 'conv_1' } });
    expect(conversationOwnership.check(context(port))).toEqual({
      kind: 'change',
      change: { accept: { refuseAgentOwned: true } },
    });
    expect(port.reads).toEqual([]);
  });

  it('records on a forced send each conversation it goes into', async () => {
    const port = owners({ '200': { id: 'conv_2' } });
    const send = fakeSend({ to: ['100', '200'], force: true });
    expect(await conversationOwnership.check(context(port, { send }))).toEqual({
      kind: 'change',
      change: { recipients: [undefined, { forcedInto: 'conv_2' }] },
    });
  });

  it('names, after the accept refused, each recipient an agent owns', async () => {
    const port = owners({ '100': { id: 'conv_1', agentId: 'ann' }, '300': { id: 'conv_3' } });
    const refusal = await ownedConversationsRefusal(port, fakeSend({ to: ['100', '200', '300'] }));
    expect(refusal).toMatchObject({
      code: 'GW_CONVERSATION_OWNED',
      issues: [
        {
          pointer: '/to/0',
          rule: 'conversation_owned_by_agent',
          detail: 'conversation conv_1 is handled by an agent (ann); send with "force": true to override',
        },
        {
          pointer: '/to/2',
          rule: 'conversation_owned_by_agent',
          detail: 'conversation conv_3 is handled by an agent; send with "force": true to override',
        },
      ],
    });
  });

  it('finds nothing to refuse when the agent let go meanwhile; a second change names no one', async () => {
    expect(await ownedConversationsRefusal(owners({}), fakeSend())).toBeUndefined();
    expect(changedHandsRefusal()).toMatchObject({
      code: 'GW_CONVERSATION_OWNED',
      issues: [{ pointer: '/to', rule: 'conversation_owned_by_agent' }],
    });
  });
});
