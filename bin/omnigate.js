#!/usr/bin/env -S node --heap-growing-percent=50 --max-semi-space-size=8
// The V8 flags above cut the gateway's peak memory by about 40 %, for 5-10 % more CPU per message:
// under load V8 let each thread's old space grow to three or four times what is live before a full
// collection (measured: 100 MiB held for 30 MiB live), and each thread kept 32 MiB of young space.
// They must be given on the command line (V8 freezes its flags once it starts), which is why they
// are here and in `npm start` (test/e2e/command.test.ts holds the two equal). `env -S` needs GNU
// coreutils 8.30 or later, macOS or a BSD; where `env` has no -S (BusyBox), run `node <these
// flags> bin/omnigate.js`. Without them it is the same gateway, only larger.
//
// The `omnigate` command. It runs the compiled gateway (dist/, which `npm run build` makes and
// `npm ci` runs) in this very process: no launcher stays behind, signals reach the gateway, and it
// answers within a second of starting. Without a build, or when a source is newer than the build
// (a checkout edited or pulled since), it loads the TypeScript through tsx instead and says so:
// the same gateway, a few seconds slower to start.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'main.js');

/** The newest modification time of the sources under `dir`, in ms. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const hasSources = existsSync(join(root, 'src'));
if (existsSync(built) && (!hasSources || statSync(built).mtimeMs >= newestSource(join(root, 'src')))) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write(
    existsSync(built)
      ? 'omnigate: src/ has changed since the last build; running it through tsx (npm run build to compile)\n'
      : 'omnigate: no build in dist/; running the TypeScript through tsx (npm run build to compile)\n',
  );
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'main.ts')).href);
}
