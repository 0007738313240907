/**
 * The channel × message-kind table, generated from the connectors' own declarations so the docs
 * and the OpenAPI description can never disagree with the code.
 */
import type { ConnectorRegistry } from '../core/ports/channel.ts';
import type { Capability } from '../core/vocabulary/channel.ts';
import { MESSAGE_KINDS } from '../core/vocabulary/message.ts';

function cell(c: Capability): string {
  switch (c.support) {
    case 'native':
      return `native${refuses(c.refuses)}`;
    case 'degraded':
      return `degraded → ${c.to}${refuses(c.refuses)}`;
    case 'refused':
      return 'refused';
  }
}

const refuses = (what: string | undefined) => (what === undefined ? '' : `; refuses ${what}`);

export function capabilityTableMarkdown(connectors: ConnectorRegistry): string {
  const names = Object.keys(connectors);
  const header = `| kind | ${names.map((n) => connectors[n]!.displayName).join(' | ')} |`;
  const rule = `|---|${names.map(() => '---').join('|')}|`;
  const rows = MESSAGE_KINDS.map(
    (kind) => `| \`${kind}\` | ${names.map((n) => cell(connectors[n]!.capabilities[kind])).join(' | ')} |`,
  );
  return ['### Channel capabilities', '', header, rule, ...rows].join('\n');
}

/** docs/capabilities.md: the table with a preamble, as `npm run docs` writes it. */
export function capabilitiesDocument(connectors: ConnectorRegistry): string {
  return [
    '# Channel capabilities',
    '',
    'Generated from the connectors’ own declarations by `npm run docs`; do not edit by hand',
    '(`test/docs-in-sync.test.ts` fails when this file and the code disagree). The same table is in',
    'the OpenAPI description at `/openapi.json`.',
    '',
    '- **native**: the channel shows the kind as it is.',
    '- **degraded**: the channel shows it in another form, and every message records what changed (`degradations` on `GET /v1/messages/:id`).',
    '- **refused**: a send of that kind answers 422 with `rule: channel_capability` at `/message/type`.',
    '- **refuses …**: those forms of a carried kind answer 422 with `rule: channel_capability` at the field that asks for them.',
    '',
    'A cell covers every form of the kind: each `mediaType`, each action type, carousels and lists of several sizes, each sender action (`test/e2e/capability-declarations.test.ts` sends each one).',
    '',
    capabilityTableMarkdown(connectors).replace('### Channel capabilities\n\n', ''),
    '',
  ].join('\n');
}
