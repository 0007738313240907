/**
 * A channel is one folder and one line in the registry (issue 19): no module outside
 * src/channels/<name>/ imports anything of it, but src/channels/registry.ts, and a façade
 * (src/compat/) importing the channel's public.ts, what it says façades may use. Imports are read
 * as TypeScript reads them (static, type-only, re-exports and dynamic `import()`), so prose that
 * names a channel does not count and a relative path that avoids the word `channels` does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');
const CHANNELS = join(SRC, 'channels');
const SHARED = new Set(['kit', 'families']);

const posix = (path: string) => relative(ROOT, path).split(sep).join('/');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of every module under src/, resolved to a path from the repository root. */
const IMPORTS = tsFiles(SRC).flatMap((file) =>
  ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ from: posix(file), to: posix(resolve(dirname(file), specifier)) })),
);

const CHANNEL_NAMES = readdirSync(CHANNELS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !SHARED.has(entry.name))
  .map((entry) => entry.name);

describe('channel footprint', () => {
  it('finds the channels and their imports', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThanOrEqual(7);
    expect(IMPORTS.length).toBeGreaterThan(1000);
  });

  it.each(CHANNEL_NAMES)(
    '%s is imported only by itself, the registry, and façades through public.ts',
    (name) => {
      const folder = `src/channels/${name}/`;
      const outside = IMPORTS.filter(
        (i) =>
          i.to.startsWith(folder) &&
          !i.from.startsWith(folder) &&
          i.from !== 'src/channels/registry.ts' &&
          !(i.from.startsWith('src/compat/') && i.to === `${folder}public.ts`),
      );
      expect(outside).toEqual([]);
    },
  );

  it('the registry holds one line per channel: it imports each channel only through its index.ts', () => {
    const fromRegistry = IMPORTS.filter(
      (i) => i.from === 'src/channels/registry.ts' && i.to.startsWith('src/channels/'),
    ).map((i) => i.to);
    expect(fromRegistry.sort()).toEqual(CHANNEL_NAMES.map((name) => `src/channels/${name}/index.ts`).sort());
  });
});
