/**
 * Infobip's `from` and `to` as Omnigate addresses. `from` is the "application key": the id of one
 * of the tenant's LINE channel accounts, or the name an account was registered under (so a client
 * keeps its Infobip key and registers its LINE channel under it). `to` is the "user key": a contact
 * holding it as an `infobip` identity (the message goes to that contact's LINE identity), or a LINE
 * user id as is. Infobip also takes a phone number there (seed 004: "User key or a phone number"):
 * it reaches the contact holding that number as a `phone` identity, through the contact's LINE
 * identity on the account. A number no contact holds is a destination Infobip cannot route, which
 * it answers 200 with a REJECTED status rather than a 400 (answer.ts).
 */
import { LINE_USER_ID } from '../../channels/line/public.ts';
import type { SendCommand, Store } from '../../core/index.ts';
import { badRequest } from './errors.ts';

export const PHONE_NUMBER = /^\+?[0-9]{6,15}$/;

/** The LINE channel account `from` names; a 400 naming `from` otherwise. */
export async function accountFor(store: Store, tenantId: string, from: string): Promise<string> {
  const lineAccounts = (await store.channelAccounts.list(tenantId)).filter((a) => a.channel === 'line');
  const byId = lineAccounts.find((a) => a.id === from);
  if (byId) return byId.id;
  const byName = lineAccounts.filter((a) => a.name === from);
  if (byName.length === 1) return byName[0]!.id;
  const detail =
    byName.length > 1
      ? `${byName.length} LINE channel accounts are named '${from}'; give the id of one (${byName.map((a) => a.id).join(', ')})`
      : `no LINE channel account has the id or name '${from}'; register your LINE channel under this application key with POST /v1/channel-accounts`;
  throw badRequest([{ pointer: '/from', rule: 'channel_account', detail }]);
}

/**
 * Who `to` is on LINE through this account: a send's `to`, `unknown phone` for a number no contact
 * holds, and a 400 naming `to` for anything else nobody is.
 */
export async function recipientFor(
  store: Store,
  tenantId: string,
  accountId: string,
  to: string,
): Promise<SendCommand['to'] | 'unknown phone'> {
  const contactId = await store.contacts.contactFor(tenantId, 'infobip', accountId, to);
  if (contactId !== undefined) return { contactId };
  if (LINE_USER_ID.test(to)) return to;
  if (PHONE_NUMBER.test(to)) {
    // Contacts keep phone numbers in E.164 with the `+` (as the Webex and Konnek façades look them up).
    const byPhone = await store.contacts.contactFor(tenantId, 'phone', '', `+${to.replace(/^\+/, '')}`);
    return byPhone !== undefined ? { contactId: byPhone } : 'unknown phone';
  }
  const detail = `no contact has the user key '${to}' (add it as an "infobip" identity with POST /v1/contacts) and it is not a LINE user id`;
  throw badRequest([{ pointer: '/to', rule: 'recipient', detail }]);
}
