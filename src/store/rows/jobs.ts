/** A claimed dispatch job as both queues' claim statements return it. */
import type { Job } from '../../core/ports/queue.ts';
import { type Flag, flag } from './columns.ts';

export interface ClaimedJobRow {
  message_id: string;
  tenant_id: string;
  channel_account_id: string;
  attempts: number;
  interrupted: Flag;
}

export const toJob = (r: ClaimedJobRow): Job => ({
  messageId: r.message_id,
  tenantId: r.tenant_id,
  channelAccountId: r.channel_account_id,
  attempts: r.attempts,
  interrupted: flag(r.interrupted),
});
