/**
 * Where the providers' own specifications are. The repository ships verbatim copies in `specs/`
 * (so a clone runs alone); `OMNIGATE_SPECS_DIR` points elsewhere, and `../shared/specs` beside the
 * repository is the reference set the copies are checked against.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is <repo>/src/sandbox/specs.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function specsDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(env.OMNIGATE_SPECS_DIR ? [resolve(env.OMNIGATE_SPECS_DIR)] : []),
    resolve(REPO_ROOT, 'specs'),
    resolve(REPO_ROOT, '../shared/specs'),
  ];
}

/** The path of a spec file such as `line/messaging-api.yml`, from the first folder that has it. */
export function findSpecFile(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = specsDirCandidates(env);
  const dir = candidates.find((d) => existsSync(join(d, relative)));
  if (!dir) {
    throw new Error(
      `Provider specification ${relative} not found; set OMNIGATE_SPECS_DIR. Tried: ${candidates.join(', ')}`,
    );
  }
  return join(dir, relative);
}
