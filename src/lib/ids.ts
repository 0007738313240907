/**
 * Identifiers. Message ids are ULIDs (https://github.com/ulid/spec) behind a type prefix: they sort
 * by creation time, which cursor pagination and "newest first" rely on, and within one millisecond
 * the random part is incremented so the order holds there too. Written here rather than taken
 * from the `ulid` package because that one draws one random byte per character from the OS, which
 * showed in the send path's profile.
 */
import { randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
// The 80-bit random part as 16 base-32 digits, incremented within a millisecond.
const digits = new Uint8Array(16);

function freshRandom(): void {
  const bytes = randomBytes(16);
  for (let i = 0; i < 16; i++) digits[i] = bytes[i]! & 31;
}

function increment(): void {
  for (let i = 15; i >= 0; i--) {
    if (digits[i]! < 31) {
      digits[i]!++;
      return;
    }
    digits[i] = 0;
  }
}

export function ulid(now: number = Date.now()): string {
  if (now > lastTime) {
    lastTime = now;
    freshRandom();
  } else {
    increment();
  }
  let random = '';
  for (const d of digits) random += CROCKFORD[d];
  return encodeTime(lastTime) + random;
}

/** The 48-bit millisecond time as ten base-32 digits. */
export function encodeTime(ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

export const newId = (
  prefix: 'msg' | 'ca' | 'inb' | 'cb' | 'tn' | 'req' | 'wh' | 'ct' | 'cv' | 'lk' | 'cred',
): string => `${prefix}_${ulid()}`;

export const newUuid = (): string => randomUUID();
