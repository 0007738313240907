/**
 * Writes docs/capabilities.md and docs/limits.md from the connectors' own declarations
 * (`npm run docs`). test/docs-in-sync.test.ts fails when a committed file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { capabilitiesDocument } from '../src/api/capability-table.ts';
import { limitsDocument } from '../src/channels/kit/limits-document.ts';
import { CONNECTORS } from '../src/channels/registry.ts';

writeFileSync(new URL('../docs/capabilities.md', import.meta.url), capabilitiesDocument(CONNECTORS));
writeFileSync(new URL('../docs/limits.md', import.meta.url), limitsDocument(CONNECTORS));
