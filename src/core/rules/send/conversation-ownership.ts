/**
 * The handover rule: no automated send into a conversation an agent owns, unless it says `force`.
 * A send without `force` leaves the check to the accept itself (AcceptBatch.refuseAgentOwned),
 * which costs no extra read; only when the accept refuses are the owners read, to name each
 * recipient (`ownedConversationsRefusal`). A forced send reads them first, to record on each
 * message the conversation it went into.
 */
import type { ConversationRepository } from '../../ports/store.ts';
import { recipientPointer } from '../../prepare-send.ts';
import type { FieldIssue } from '../../vocabulary/channel.ts';
import { type AppError, validationError } from '../../vocabulary/errors.ts';
import { change, type RecipientChange, type SendRule, type SendUnderCheck, type Verdict } from './rule.ts';

export interface OwnershipPort {
  conversations: Pick<ConversationRepository, 'ownedByAgent'>;
}

type OwnershipView = Pick<SendUnderCheck, 'tenantId' | 'accountId' | 'to' | 'recipients'>;

const LEFT_TO_THE_ACCEPT = change({ accept: { refuseAgentOwned: true } });

export const conversationOwnership: SendRule<SendUnderCheck, OwnershipPort> = {
  name: 'conversation-ownership',
  check: ({ send, port }) => (send.force ? forcedInto(port, send) : LEFT_TO_THE_ACCEPT),
};

async function forcedInto(port: OwnershipPort, send: OwnershipView): Promise<Verdict> {
  const { owned } = await agentOwned(port, send);
  return change({
    recipients: owned.map((id): RecipientChange | undefined =>
      id === undefined ? undefined : { forcedInto: id },
    ),
  });
}

/**
 * After the accept refused for an owned conversation: the refusal naming each recipient whose
 * conversation an agent owns, or undefined when the agent let go in the meantime.
 */
export async function ownedConversationsRefusal(
  port: OwnershipPort,
  send: OwnershipView,
): Promise<AppError | undefined> {
  const { issues } = await agentOwned(port, send);
  return issues.length > 0 ? validationError(issues, 'GW_CONVERSATION_OWNED') : undefined;
}

/** A conversation of these recipients changed hands again while the send was tried once more. */
export function changedHandsRefusal(): AppError {
  return validationError(
    [
      {
        pointer: '/to',
        rule: 'conversation_owned_by_agent',
        detail:
          'a conversation of these recipients changed hands while the request was accepted; send again, or with "force": true to override',
      },
    ],
    'GW_CONVERSATION_OWNED',
  );
}

/** By recipient index, the id of the conversation an agent owns, and an issue naming each. */
async function agentOwned(
  port: OwnershipPort,
  send: OwnershipView,
): Promise<{ owned: Array<string | undefined>; issues: FieldIssue[] }> {
  const byAddress = await port.conversations.ownedByAgent(send.tenantId, send.accountId, send.recipients);
  const owned = send.recipients.map((address) => byAddress.get(address)?.id);
  const issues: FieldIssue[] = [];
  send.recipients.forEach((address, i) => {
    const conversation = byAddress.get(address);
    if (!conversation) return;
    issues.push({
      pointer: recipientPointer(send.to, i),
      rule: 'conversation_owned_by_agent',
      detail: `conversation ${conversation.id} is handled by an agent${conversation.agentId ? ` (${conversation.agentId})` : ''}; send with "force": true to override`,
    });
  });
  return { owned, issues };
}
