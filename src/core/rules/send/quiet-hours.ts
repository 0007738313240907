/**
 * Quiet hours in the contact's own time zone, when a send asks for them (`policy.quietHours`): a
 * message to someone inside them is held until they end (`hold`), or the request is refused with
 * the contact policy's other refusals (`reject`). Contacts without a time zone are not held.
 * Windows may wrap past midnight (21:00-08:00).
 */
import type { ContactRepository } from '../../ports/store.ts';
import { recipientPointer } from '../../prepare-send.ts';
import {
  change,
  PASS,
  type QuietHours,
  type RecipientChange,
  type RuleContext,
  type SendRule,
  type SendUnderCheck,
  type Verdict,
} from './rule.ts';

export interface QuietHoursPort {
  contacts: Pick<ContactRepository, 'get'>;
}

export const quietHours: SendRule<SendUnderCheck, QuietHoursPort> = {
  name: 'quiet-hours',
  check: (context) =>
    context.send.policy?.quietHours ? quietFor(context, context.send.policy.quietHours) : PASS,
};

async function quietFor(
  { send, port, decided, now }: RuleContext<SendUnderCheck, QuietHoursPort>,
  quiet: QuietHours,
): Promise<Verdict> {
  const at = now();
  const recipients: RecipientChange[] = [];
  for (const [i, { contactId }] of decided.recipients.entries()) {
    const timeZone = contactId ? (await port.contacts.get(send.tenantId, contactId))?.timeZone : undefined;
    const until = timeZone ? quietUntil(at, timeZone, quiet) : undefined;
    if (!timeZone) recipients.push({ record: { quietHours: { skipped: 'no time zone for this contact' } } });
    else if (!until) recipients.push({ record: { quietHours: { timeZone, quiet: false } } });
    else if (quiet.mode === 'reject') {
      recipients.push({
        issues: [
          {
            pointer: recipientPointer(send.to, i),
            rule: 'quiet_hours',
            detail: `it is quiet hours for the person (${timeZone}) until ${until.toISOString()}`,
          },
        ],
      });
    } else {
      const heldUntil = until.toISOString();
      recipients.push({ record: { quietHours: { timeZone, heldUntil } }, holdUntil: heldUntil });
    }
  }
  return change({ recipients });
}

const minutesOf = (hhmm: string) => {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs about 20 times a format, and
 * a send to a thousand recipients in one zone would build a thousand.
 */
const FORMATS = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    FORMATS.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time in `timeZone` at `at`, as if it were UTC (so offsets can be computed). */
function wallClock(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    formatFor(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return new Date(
    Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ),
  );
}

/** Whether `timeZone` is one this runtime knows (IANA names). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** When the quiet window that `at` falls in ends, or undefined when `at` is outside it. */
export function quietUntil(
  at: Date,
  timeZone: string,
  quiet: Pick<QuietHours, 'start' | 'end'>,
): Date | undefined {
  const wall = wallClock(at, timeZone);
  const now = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  // The wall-clock end today, or tomorrow when it is already past, back in real time.
  const endWall = new Date(wall);
  endWall.setUTCHours(Math.floor(end / 60), end % 60, 0, 0);
  if (endWall <= wall) endWall.setUTCDate(endWall.getUTCDate() + 1);
  const offsetMs = wall.getTime() - Math.floor(at.getTime() / 1000) * 1000;
  return new Date(endWall.getTime() - offsetMs);
}
