/**
 * What each number of a channel's limits means, as the connector port carries it
 * (`ChannelPolicy.limits`) and docs/limits.md is generated from it: the unit it counts in, what
 * it limits, where Omnigate enforces it, and where the number comes from. A channel builds its
 * tables with channels/kit/limit-notes.ts.
 */

export type LimitUnit =
  | 'UTF-16 units'
  | 'code points'
  | 'graphemes'
  | 'UTF-8 bytes'
  | 'bytes'
  | 'items'
  | 'seconds'
  | 'milliseconds'
  | 'hours'
  | 'pixels'
  | 'grid rows'
  | 'grid columns'
  | 'API level'
  | 'index';

/**
 * Where a limit holds:
 * - `check`: refused at accept, 422 GW_CAPABILITY at the field (the connector's `check`, or the
 *   core's reply and session windows);
 * - `probe`: refused at accept on what the gateway found at a linked media URL (linked-media.ts);
 * - `render`: what Omnigate builds is fitted under it (split, shortened, another form), not refused;
 * - `schema`: refused by the request schema, 400 GW_VALIDATION;
 * - `emulator`: the sandbox emulator refuses a request over it, as the provider does.
 */
export type LimitEnforcement = 'check' | 'probe' | 'render' | 'schema' | 'emulator';

export interface LimitNote {
  /** What is limited, in the provider's terms (`sendMessage` `text`). */
  what: string;
  unit: LimitUnit;
  /** A maximum unless said otherwise. */
  bound?: 'min' | 'exact' | 'step';
  where: readonly LimitEnforcement[];
  /**
   * The provider's documentation (a URL), `providers.md §N` (../shared/providers.md, which cites
   * the provider), or `[chosen]` and why, where the provider states no number.
   */
  source: string;
}

export type LimitNotes<T> = { readonly [K in keyof T]: LimitNote };

/** One limits object and its notes, for the generated document. */
export interface LimitTable {
  /** The object's name in the code (`LINE_LIMITS`). */
  name: string;
  /** The file it lives in, from the repository root. */
  file: string;
  values: Readonly<Record<string, number>>;
  notes: Readonly<Record<string, LimitNote>>;
  /** Keys of a shared object that do not apply to this channel (Instagram's use of the Send API's). */
  except?: readonly string[];
}
