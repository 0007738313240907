/**
 * docs/limits.md, generated from each connector's limits objects and their notes (`limits` on the
 * connector, notes in its limits.ts), so the document cannot disagree with what the code enforces.
 * `npm run docs` writes it; test/docs-in-sync.test.ts fails when the committed file differs.
 */

import type { ChannelConnector } from '../../core/ports/channel.ts';
import type { LimitEnforcement, LimitNote, LimitTable } from './limit-notes.ts';

const WHERE: Record<LimitEnforcement, string> = {
  check: 'accept (`check`)',
  probe: 'accept (linked-media probe)',
  render: 'render (fitted, not refused)',
  schema: 'request schema (400)',
  emulator: 'emulator',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function value(n: number, note: LimitNote): string {
  const shown = n.toLocaleString('en');
  switch (note.bound) {
    case 'min':
      return `≥ ${shown}`;
    case 'exact':
      return `= ${shown}`;
    case 'step':
      return `multiple of ${shown}`;
    default:
      return `≤ ${shown}`;
  }
}

function table(t: LimitTable): string[] {
  const keys = Object.keys(t.values).filter((k) => !(t.except ?? []).includes(k));
  const rows = keys.map((key) => {
    const note = t.notes[key];
    const n = t.values[key];
    if (note === undefined || n === undefined) throw new Error(`${t.name}.${key} has no note`);
    const where = note.where.map((w) => WHERE[w]).join(', ');
    return `| \`${t.name}.${key}\` | ${value(n, note)} | ${note.unit} | ${cell(note.what)} | ${where} | ${cell(note.source)} |`;
  });
  const except =
    t.except !== undefined
      ? ` (all but ${t.except.map((k) => `\`${k}\``).join(', ')}, which ${t.except.length === 1 ? 'differs' : 'differ'} on this channel)`
      : '';
  return [
    `\`${t.file}\`${except}:`,
    '',
    '| limit | value | unit | what | enforced at | source |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

export function limitsDocument(connectors: Readonly<Record<string, ChannelConnector>>): string {
  const channels = Object.values(connectors).flatMap((c) => [
    `## ${c.displayName}`,
    '',
    ...c.limits.flatMap(table),
  ]);
  return [
    '# Channel limits',
    '',
    'Generated from the connectors’ limits objects and their notes (`LimitNotes` beside each object in',
    'the channel’s `limits.ts`) by `npm run docs`; do not edit by hand (`test/docs-in-sync.test.ts` fails',
    'when this file and the code disagree).',
    '',
    'Every refusal at accept answers `422` with code `GW_CAPABILITY` (`docs/errors.md`), the field as a',
    'JSON pointer into the request body (`/message/...`, `/options/<channel>/...`), a stable `rule`',
    '(`maxLength`, `maxItems`, `maxBytes`, `max_media_size`, …) and a detail naming the limit and what the',
    'request has. Nothing is stored. A preview answers the same.',
    '',
    '- **enforced at**: *accept (`check`)*: the connector’s `check`, before anything is stored (lengths of',
    '  text Omnigate composes are measured on the rendered request), or the core’s reply and session',
    '  windows; *accept (linked-media probe)*: on what the gateway found at a media URL the message links',
    '  to ([linked-media.md](linked-media.md), which also lists the format rules that have no number);',
    '  *render*: what Omnigate builds is fitted under the limit (split, shortened or sent in another form,',
    '  recorded as a degradation where the caller would notice), never refused for it; *request schema',
    '  (400)*: refused as malformed before the channel is asked; *emulator*: the sandbox emulator refuses a',
    '  provider request over it, as the provider does.',
    '- **unit**: what is counted. UTF-16 units are JavaScript string length (an emoji outside the BMP is',
    '  2); code points are Unicode characters; graphemes are user-perceived characters (an emoji with a',
    '  skin tone is 1); UTF-8 bytes are the encoded text.',
    '- **source**: the provider’s documentation, or `providers.md §N` (the provider research this project',
    '  keeps, which cites the provider; `[S]` secondary, `[U]` unverified there), or `[chosen]` where the',
    '  provider states no number and the value is Omnigate’s own.',
    '',
    'What a channel cannot carry at all is in [capabilities.md](capabilities.md); rates and per-recipient',
    'pacing, which delay rather than refuse, are per channel account (README, Configuration).',
    '',
    ...channels,
  ].join('\n');
}
