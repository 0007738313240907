/**
 * The vendored provider specifications must be the reference set, byte for byte: the emulators
 * validate against them, so a drifted copy would make the sandbox disagree with the provider.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/sandbox/specs.ts';

const reference = resolve(REPO_ROOT, '../shared/specs');
const vendored = resolve(REPO_ROOT, 'specs');

describe.skipIf(!existsSync(reference))('vendored provider specifications', () => {
  for (const provider of readdirSync(vendored).filter((f) => !f.includes('.'))) {
    it(`${provider} matches ../shared/specs/${provider}`, () => {
      for (const file of readdirSync(join(vendored, provider))) {
        expect(
          readFileSync(join(vendored, provider, file)).equals(readFileSync(join(reference, provider, file))),
          file,
        ).toBe(true);
      }
    });
  }
});
