import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURE_MD, foldersPicture, withPicture } from '../scripts/folders-picture.ts';
import { capabilitiesDocument } from '../src/api/capability-table.ts';
import { limitsDocument } from '../src/channels/kit/limits-document.ts';
import { CONNECTORS } from '../src/channels/registry.ts';

/** Each limit's note and source are the connector conformance suite's (test/conformance/connector.ts). */
describe('generated docs', () => {
  it('docs/capabilities.md is what the connectors declare (run npm run docs to update it)', () => {
    const committed = readFileSync(new URL('../docs/capabilities.md', import.meta.url), 'utf8');
    expect(committed).toBe(capabilitiesDocument(CONNECTORS));
  });

  it('docs/limits.md is every limit the connectors enforce, with its notes (run npm run docs to update it)', () => {
    const committed = readFileSync(new URL('../docs/limits.md', import.meta.url), 'utf8');
    expect(committed).toBe(limitsDocument(CONNECTORS));
  });

  it('ARCHITECTURE.md opens with the folders as they import each other (run npm run deps:picture to update it)', async () => {
    const committed = readFileSync(ARCHITECTURE_MD, 'utf8');
    expect(committed).toBe(withPicture(committed, await foldersPicture()));
  });
});
