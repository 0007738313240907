/**
 * Finds LINE's own OpenAPI documents. They live beside the repository (`<repo>/../shared/specs`),
 * kept as LINE publishes them, so the emulator validates against the provider's words rather than
 * a copy of them that could drift.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const LINE_SPEC_FILES = { messaging: 'messaging-api.yml', webhook: 'webhook.yml' } as const;

/** Candidate `specs` folders, most explicit first. */
export function specsDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  // This file is <repo>/src/channels/line/sandbox/spec-files.ts.
  const repo = fileURLToPath(new URL('../../../../', import.meta.url));
  return [
    ...(env['OMNIGATE_SPECS_DIR'] ? [resolve(env['OMNIGATE_SPECS_DIR'])] : []),
    resolve(repo, '../shared/specs'),
    resolve(process.cwd(), '../shared/specs'),
    resolve(process.cwd(), 'shared/specs'),
  ];
}

export function findLineSpecsDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = specsDirCandidates(env);
  const found = candidates.find((dir) => existsSync(join(dir, 'line', LINE_SPEC_FILES.messaging)));
  if (found === undefined) {
    throw new Error(
      `LINE OpenAPI specs not found; set OMNIGATE_SPECS_DIR to the folder holding line/${LINE_SPEC_FILES.messaging}. Tried: ${candidates.join(', ')}`,
    );
  }
  return join(found, 'line');
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
