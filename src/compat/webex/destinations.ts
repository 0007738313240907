/**
 * Webex's `destination` array → the recipients of native sends. Each entry lists values under the
 * identifier kinds the document names; on the active channels they resolve as follows:
 *
 * | kind                 | fb (messenger)                              | whatsapp                          |
 * | -------------------- | ------------------------------------------- | --------------------------------- |
 * | psid                 | the address                                 | refused                           |
 * | waid                 | refused                                     | the address (`+` dropped)         |
 * | msisdn               | the contact with that phone identity        | the address (`+` dropped)         |
 * | email                | the contact with that email identity        | the contact with that email       |
 * | customerid, userid   | an Omnigate contact id (`to: {contactId}`)  | an Omnigate contact id            |
 * | push ids, abcUserId  | refused: no push or Apple channel yet       | refused                           |
 *
 * Addresses that share a correlation id go in one native send (up to 1000 recipients in one
 * transaction); a contact is one send of its own, since the native send resolves one contact.
 */
import type { Store } from '../../core/index.ts';
import { refusal, type WebexError } from './answer.ts';
import { IDENTIFIER_KINDS, type IdentifierKind, type WebexDestination } from './schema.ts';
import type { Target } from './translate.ts';

export interface Recipient {
  /** Position in the request's recipients, which is the position of its answer entry. */
  index: number;
  /** Where the client wrote it: `destination[0].psid[2]`. */
  field: string;
  correlationId?: string | undefined;
}

export interface SendUnit {
  to: string[] | { contactId: string };
  correlationId?: string | undefined;
  recipients: Recipient[];
}

export interface Resolution {
  units: SendUnit[];
  refused: Array<{ recipient: Recipient; error: WebexError }>;
  count: number;
}

type Way = 'address' | 'contact' | 'phone' | 'email';

const WAYS: Record<Target['channel'], Partial<Record<IdentifierKind, Way>>> = {
  messenger: { psid: 'address', msisdn: 'phone', email: 'email', customerid: 'contact', userid: 'contact' },
  whatsapp: { waid: 'address', msisdn: 'address', email: 'email', customerid: 'contact', userid: 'contact' },
};

/** The identifier kinds of an entry in the order the client wrote them. */
export const kindsOf = (entry: WebexDestination): IdentifierKind[] =>
  Object.keys(entry).filter((k): k is IdentifierKind => (IDENTIFIER_KINDS as readonly string[]).includes(k));

export function countDestinations(destination: WebexDestination[]): number {
  let n = 0;
  for (const entry of destination) for (const kind of kindsOf(entry)) n += entry[kind]?.length ?? 0;
  return n;
}

export async function resolveDestinations(
  store: Store,
  tenantId: string,
  target: Target,
  destination: WebexDestination[],
  requestCorrelationId: string | undefined,
): Promise<Resolution> {
  const ways = WAYS[target.channel];
  const byCorrelation = new Map<string, SendUnit>();
  const units: SendUnit[] = [];
  const refused: Resolution['refused'] = [];
  let index = 0;
  for (const [i, entry] of destination.entries()) {
    const correlationId = entry.correlationid ?? requestCorrelationId;
    for (const kind of kindsOf(entry)) {
      for (const [j, value] of (entry[kind] ?? []).entries()) {
        const recipient: Recipient = {
          index: index++,
          field: `destination[${i}].${kind}[${j}]`,
          correlationId,
        };
        const way = ways[kind];
        if (way === undefined) {
          const accepted = Object.keys(ways).join(', ');
          refused.push({
            recipient,
            error: refusal(
              'invalidParameters',
              `${recipient.field}: ${kind} is not an identifier for deliverychannel ${target.deliveryChannel} (${accepted})`,
            ),
          });
          continue;
        }
        if (way === 'contact') {
          units.push({ to: { contactId: value }, correlationId, recipients: [recipient] });
          continue;
        }
        if (way === 'address') {
          const address = target.channel === 'whatsapp' ? value.trim().replace(/^\+/, '') : value.trim();
          const key = correlationId ?? '';
          let unit = byCorrelation.get(key);
          if (unit === undefined) {
            unit = { to: [], correlationId, recipients: [] };
            byCorrelation.set(key, unit);
            units.push(unit);
          }
          (unit.to as string[]).push(address);
          unit.recipients.push(recipient);
          continue;
        }
        const identity = way === 'phone' ? `+${value.trim().replace(/^\+/, '')}` : value.trim();
        const contactId = await store.contacts.contactFor(tenantId, way, '', identity);
        if (contactId === undefined) {
          refused.push({
            recipient,
            error: refusal(
              'invalidParameters',
              `${recipient.field}: no contact has the ${way} ${identity}; add it to one (POST /v1/contacts) with its ${target.deliveryChannel} identity`,
            ),
          });
          continue;
        }
        units.push({ to: { contactId }, correlationId, recipients: [recipient] });
      }
    }
  }
  return { units, refused, count: index };
}
