/**
 * Moves TypeScript modules and rewrites every relative import of them, and the moved files' own
 * relative imports, across src/, test/, bench/ and scripts/. For the folder moves of the channel
 * architecture (ARCHITECTURE.md), which are pure renames:
 *
 *   npx tsx scripts/move-modules.ts src/api/problem.ts=src/http/problem.ts [more old=new ...]
 *
 * Run again with the same arguments after merging a branch that still imports the old paths.
 *
 * Written here rather than taken from a refactoring library because it needs only one thing, the
 * resolution of a relative specifier with an explicit `.ts` extension, which is all this codebase
 * uses; `tsc` then finds anything it missed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOTS = ['src', 'test', 'bench', 'scripts'];
const moves = new Map<string, string>();
for (const arg of process.argv.slice(2)) {
  const [from, to] = arg.split('=');
  if (!from || !to) throw new Error(`expected old=new, got ${arg}`);
  moves.set(resolve(from), resolve(to));
}

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|vi\.mock\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g;

function specifierFor(fromFile: string, target: string): string {
  const rel = relative(dirname(fromFile), target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

const files = ROOTS.flatMap((root) => [...tsFiles(resolve(root))]);
let rewritten = 0;
for (const file of files) {
  const newFile = moves.get(file) ?? file;
  const source = readFileSync(file, 'utf8');
  const output = source.replace(SPECIFIER, (whole, lead: string, quote: string, spec: string) => {
    const target = resolve(dirname(file), spec);
    const movedTarget = moves.get(target) ?? target;
    if (movedTarget === target && newFile === file) return whole;
    return `${lead}${quote}${specifierFor(newFile, movedTarget)}${quote}`;
  });
  if (output !== source) {
    writeFileSync(file, output);
    rewritten++;
  }
}
for (const [from, to] of moves) {
  // Run again after merging work that still imported the old paths: the move itself is done.
  if (!existsSync(from)) continue;
  mkdirSync(dirname(to), { recursive: true });
  execFileSync('git', ['mv', from, to]);
}
console.log(`moved ${moves.size} module(s); rewrote imports in ${rewritten} file(s)`);
