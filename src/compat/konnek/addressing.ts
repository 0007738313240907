/**
 * Konnek's `clientID` and `recipient` as Omnigate addresses.
 *
 * `clientID` names the sending channel account: the account of the path's channel whose id it is,
 * else the one registered under that name (so a client keeps its Konnek client id and registers
 * its channel under it).
 *
 * `recipient` is a phone number. On WhatsApp it is the address itself (a wa_id is the number in
 * international form without `+`). Telegram, LINE and Messenger do not address people by phone
 * number, so a number must belong to a contact holding it as a `phone` identity (`+` and the
 * digits; the message goes to that contact's identity on the channel). A number no contact holds
 * is refused rather than tried as a Telegram chat id or a PSID: the same digits could be someone
 * else's id there. A recipient that is not a number at all may be the channel's own address (a
 * LINE user id).
 */
import type { ChannelConnector, SendCommand, Store } from '../../core/index.ts';
import { type KonnekIssue, notFound } from './errors.ts';

const PHONE_NUMBER = /^\+?([1-9][0-9]{6,14})$/;

/** The channel account `clientID` names; a 404 in Konnek's shape otherwise. */
export async function accountFor(
  store: Store,
  tenantId: string,
  channel: string,
  clientId: string,
): Promise<string> {
  const accounts = (await store.channelAccounts.list(tenantId)).filter((a) => a.channel === channel);
  const byId = accounts.find((a) => a.id === clientId);
  if (byId) return byId.id;
  const byName = accounts.filter((a) => a.name === clientId);
  if (byName.length === 1) return byName[0]!.id;
  throw notFound(
    'clientID',
    byName.length > 1
      ? `${byName.length} ${channel} channel accounts are named '${clientId}'; give the id of one (${byName.map((a) => a.id).join(', ')})`
      : `no ${channel} channel account has the id or name '${clientId}'; register your channel under this client id with POST /v1/channel-accounts`,
  );
}

/** Where `recipient` is on the channel through this account, or why it cannot be reached. */
export async function recipientFor(
  store: Store,
  tenantId: string,
  connector: ChannelConnector,
  accountId: string,
  recipient: string,
): Promise<{ to: SendCommand['to'] } | { issue: KonnekIssue }> {
  const digits = PHONE_NUMBER.exec(recipient)?.[1];
  // The native check refuses a malformed wa_id, naming `recipient`.
  if (connector.name === 'whatsapp') return { to: digits ?? recipient };
  if (digits !== undefined) {
    const contactId = await store.contacts.contactFor(tenantId, 'phone', accountId, `+${digits}`);
    if (contactId !== undefined) return { to: { contactId } };
  } else if (connector.checkRecipient(recipient) === undefined) {
    return { to: recipient };
  }
  return {
    issue: {
      field: 'recipient',
      detail:
        digits !== undefined
          ? `no contact has the phone number +${digits}: add it as a "phone" identity with POST /v1/contacts, with the person's ${connector.displayName} identity`
          : `is neither a phone number nor a ${connector.displayName} address`,
    },
  };
}
