/**
 * A message that is just a stop or start word changes the person's marketing consent on the
 * channel; a sender's latest such word is their choice, dated when it was first stored. A
 * redelivery therefore counts (our earlier answer may have failed after storing the event, so its
 * STOP was never applied), but only over consents older than it: an old START redelivered after
 * a later STOP must not opt the person back in. A word first received now is the newest thing the
 * person said and applies whatever the stored consent's date: another process's clock running a
 * little ahead must not swallow a STOP.
 */
import type { PolicyRepository } from '../../ports/store.ts';
import type { ConsentKeywords, Recording } from './context.ts';

/** STOP and START as carriers use them, and their forms in the seeds' markets (Thai, Indonesian, ...). */
export const DEFAULT_KEYWORDS: ConsentKeywords = {
  stop: [
    'STOP',
    'STOPALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'หยุด',
    'ยกเลิก',
    'BERHENTI',
    'ARRET',
    'ARRÊT',
    'ALTO',
    'STOPP',
  ],
  start: ['START', 'UNSTOP', 'SUBSCRIBE', 'YES', 'เริ่ม', 'MULAI'],
};

export type ConsentKeywordsInput = Pick<
  Recording,
  'account' | 'events' | 'receivedAt' | 'firstStoredAt' | 'keywords' | 'contactIds'
> & {
  readonly store: { readonly policy: Pick<PolicyRepository, 'setConsent'> };
};

export async function applyConsentKeywords(webhook: ConsentKeywordsInput): Promise<void> {
  const { store, account, events, receivedAt, firstStoredAt, keywords, contactIds } = webhook;
  const choiceBySender = new Map<string, { status: 'opted_in' | 'opted_out'; at: string }>();
  events.forEach((e, i) => {
    if (e.kind !== 'message' || e.text === undefined) return;
    const status = keywordChoice(e.text, keywords);
    const at = firstStoredAt[i]!;
    const earlier = choiceBySender.get(e.from);
    if (status && (!earlier || earlier.at <= at)) choiceBySender.set(e.from, { status, at });
  });
  await Promise.all(
    [...choiceBySender].map(([from, { status, at }]) =>
      store.policy.setConsent(
        account.tenantId,
        contactIds.get(from) as string,
        { channel: account.channel, purpose: 'marketing', status, source: 'keyword', updatedAt: at },
        { unlessNewer: at !== receivedAt },
      ),
    ),
  );
}

/** The consent a message's text asks for, if it is a stop or start word. */
export function keywordChoice(text: string, keywords: ConsentKeywords): 'opted_in' | 'opted_out' | undefined {
  const word = text.trim().toUpperCase();
  if (keywords.stop.some((w) => w.toUpperCase() === word)) return 'opted_out';
  if (keywords.start.some((w) => w.toUpperCase() === word)) return 'opted_in';
  return undefined;
}
