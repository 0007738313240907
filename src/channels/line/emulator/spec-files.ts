/**
 * Loads LINE's own OpenAPI documents (verbatim in `specs/line`, see src/sandbox/specs.ts), so the
 * emulator validates against the provider's words rather than a hand-made copy of its shapes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { findSpecFile } from '../../../sandbox/specs.ts';

export const LINE_SPEC_FILES = { messaging: 'messaging-api.yml', webhook: 'webhook.yml' } as const;

export function findLineSpecsDir(env: NodeJS.ProcessEnv = process.env): string {
  return dirname(findSpecFile(`line/${LINE_SPEC_FILES.messaging}`, env));
}

export interface OpenApiDocument {
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

export function loadLineSpec(
  file: keyof typeof LINE_SPEC_FILES,
  dir: string = findLineSpecsDir(),
): OpenApiDocument {
  const doc: unknown = parse(readFileSync(join(dir, LINE_SPEC_FILES[file]), 'utf8'));
  if (typeof doc !== 'object' || doc === null)
    throw new Error(`${LINE_SPEC_FILES[file]} is not an OpenAPI document`);
  return doc as OpenApiDocument;
}
