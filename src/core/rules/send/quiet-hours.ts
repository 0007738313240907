/**
 * Quiet hours in the contact's own time zone: whether a moment falls inside them, and when they
 * end. Windows may wrap past midnight (21:00-08:00).
 */
export interface QuietHours {
  /** Local "HH:MM" the quiet window starts. */
  start: string;
  /** Local "HH:MM" it ends. */
  end: string;
  /** `hold` waits for the window to end; `reject` refuses the send. */
  mode: 'hold' | 'reject';
}

const minutesOf = (hhmm: string) => {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/** The wall-clock time in `timeZone` at `at`, as if it were UTC (so offsets can be computed). */
function wallClock(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
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
