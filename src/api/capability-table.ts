/**
 * The channel × message-kind table, generated from the connectors' own declarations so the docs
 * and the OpenAPI description can never disagree with the code.
 */
import type { ConnectorRegistry } from '../channels/registry.ts';
import type { Capability } from '../channels/types.ts';
import { MESSAGE_KINDS } from '../core/message.ts';

function cell(c: Capability): string {
  switch (c.support) {
    case 'native':
      return 'native';
    case 'degraded':
      return `degraded → ${c.to}`;
    case 'refused':
      return 'refused';
  }
}

export function capabilityTableMarkdown(connectors: ConnectorRegistry): string {
  const names = Object.keys(connectors);
  const header = `| kind | ${names.map((n) => connectors[n]!.displayName).join(' | ')} |`;
  const rule = `|---|${names.map(() => '---').join('|')}|`;
  const rows = MESSAGE_KINDS.map(
    (kind) => `| \`${kind}\` | ${names.map((n) => cell(connectors[n]!.capabilities[kind])).join(' | ')} |`,
  );
  return ['### Channel capabilities', '', header, rule, ...rows].join('\n');
}
