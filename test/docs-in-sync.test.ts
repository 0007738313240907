import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capabilitiesDocument } from '../src/api/capability-table.ts';
import { CONNECTORS } from '../src/channels/registry.ts';

describe('generated docs', () => {
  it('docs/capabilities.md is what the connectors declare (run npm run docs to update it)', () => {
    const committed = readFileSync(new URL('../docs/capabilities.md', import.meta.url), 'utf8');
    expect(committed).toBe(capabilitiesDocument(CONNECTORS));
  });
});
