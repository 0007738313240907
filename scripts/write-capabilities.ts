/**
 * Writes docs/capabilities.md from the connectors' own declarations (`npm run docs`).
 * test/docs-in-sync.test.ts fails when the committed file and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { capabilitiesDocument } from '../src/api/capability-table.ts';
import { CONNECTORS } from '../src/channels/registry.ts';

writeFileSync(new URL('../docs/capabilities.md', import.meta.url), capabilitiesDocument(CONNECTORS));
