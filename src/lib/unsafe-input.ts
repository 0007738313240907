/**
 * The walk behind http/refuse-nul.ts: the first NUL character or over-deep nesting in a decoded
 * value. Here rather than beside the Fastify hook because the core applies it too, to a signed
 * provider webhook once it is decoded (core/rules/receive/decode-body.ts).
 */
const NUL = '\u0000';

/** Deeper than any request a route documents (the deepest, a card's button's action, is ~10). */
export const MAX_DEPTH = 32;

export interface UnsafeInput {
  pointer: string;
  rule: 'noNulCharacter' | 'maxDepth';
  message: string;
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
const DEPTH_MESSAGE = `nests deeper than ${MAX_DEPTH} levels`;

/**
 * The first NUL or over-deep container in `value`, in document order. Walked with an explicit
 * stack, not recursion, so the walk itself cannot overflow whatever the nesting.
 */
export function unsafeInput(value: unknown): UnsafeInput | undefined {
  const pending: Array<[unknown, string, number]> = [[value, '', 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at, depth] = next;
    if (typeof item === 'string') {
      if (item.includes(NUL)) return { pointer: at, rule: 'noNulCharacter', message: NUL_MESSAGE };
      continue;
    }
    // Plain parsed JSON only: a Buffer body (a signed provider webhook) is checked by its handler.
    if (item === null || typeof item !== 'object' || Buffer.isBuffer(item)) continue;
    if (depth >= MAX_DEPTH) return { pointer: at, rule: 'maxDepth', message: DEPTH_MESSAGE };
    const entries = Array.isArray(item)
      ? item.map((child, i) => [String(i), child] as const)
      : Object.entries(item);
    // Pushed last to first, so the first NUL in document order is the one named; a key holding a
    // NUL is named by its own pointer (the key string itself is what gets checked).
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      pending.push([
        key.includes(NUL) ? key : child,
        `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        depth + 1,
      ]);
    }
  }
  return undefined;
}
