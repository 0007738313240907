/**
 * Folder rules of ARCHITECTURE.md, checked by `npm test` (`npm run deps`): what each folder may
 * import, and no cycles. Every rule is an error and there is no list of known violations: the code
 * keeps all of them. test/architecture/folder-rules.test.ts shows each rule refusing a deliberate
 * violation (test/fixtures/folder-rules/), so a rule that stops matching fails a test rather than
 * passing silently.
 */
const SRC = '^src/';
const rule = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });
module.exports = {
  forbidden: [
    rule('no-cycles', 'No import cycle, of files or of folders.', { path: SRC }, { circular: true }),
    rule('core-imports-lib-only', 'The core owns its vocabulary and ports.',
      { path: '^src/core/' }, { path: SRC, pathNot: ['^src/core/', '^src/lib/'] }),
    rule('core-no-drivers', 'No framework or driver in the core (typebox is its schema language).',
      { path: '^src/core/' },
      { path: 'node_modules/(fastify|@fastify|better-sqlite3|pg|ioredis|undici|fast-xml-parser)/' }),
    rule('adapters-reach-core-and-lib', 'dispatch, store, webhooks: their own folder, core, lib.',
      { path: '^src/(dispatch|store|webhooks)/' },
      { path: SRC, pathNot: ['^src/$1/', '^src/core/', '^src/lib/'] }),
    rule('channel-reaches-core-kit-lib', 'A connector: its folder, kit, families, core, lib.',
      { path: '^src/channels/([^/]+)/', pathNot: ['^src/channels/(kit|families)/', '/emulator/'] },
      { path: SRC, pathNot: ['^src/channels/$1/', '^src/channels/(kit|families)/',
        '^src/core/(index\\.ts$|vocabulary/|ports/channel\\.ts$)', '^src/lib/'] }),
    rule('kit-reaches-core-lib', 'The kit serves every channel and knows none.',
      { path: '^src/channels/(kit|families)/', pathNot: '/emulator/' },
      { path: SRC, pathNot: ['^src/channels/(kit|families)/', '^src/core/(index\\.ts$|vocabulary/|ports/channel\\.ts$)', '^src/lib/'] }),
    rule('connector-never-imports-emulator', 'The emulator registers under sandbox.',
      { path: '^src/channels/', pathNot: ['/emulator/', '^src/channels/[^/]+/index\\.ts$'] },
      { path: '/emulator/' }),
    rule('emulator-reaches-sandbox-lib-facts', 'An emulator: sandbox, lib, its channel\'s provider facts.',
      { path: '^src/channels/([^/]+)/.*emulator/' },
      { path: SRC, pathNot: ['^src/channels/$1/(emulator/|provider/|limits\\.ts$|options\\.ts$|provider\\.ts$)',
        '^src/channels/families/', '^src/sandbox/', '^src/lib/', '^src/core/vocabulary/'] }),
    rule('sandbox-reaches-lib-http', 'The emulator host knows no channel and no store.',
      { path: '^src/sandbox/' },
      { path: SRC, pathNot: ['^src/sandbox/', '^src/lib/', '^src/http/', '^src/core/(index\\.ts$|vocabulary/)'] }),
    rule('compat-through-core-entry', 'A facade: core/index.ts, a channel\'s public.ts, http, lib.',
      { path: '^src/compat/' },
      { path: SRC, pathNot: ['^src/compat/', '^src/core/index\\.ts$', '^src/channels/[^/]+/public\\.ts$',
        '^src/http/', '^src/lib/'] }),
    rule('api-is-http-only', 'Routes call use cases; no store, channel or facade.',
      { path: '^src/api/' }, { path: SRC, pathNot: ['^src/api/', '^src/core/', '^src/http/', '^src/lib/'] }),
    rule('http-plumbing', 'Shared Fastify plumbing.',
      { path: '^src/http/' }, { path: SRC, pathNot: ['^src/http/', '^src/core/', '^src/lib/'] }),
    rule('config-reads-env-only', 'Config knows no channel list.',
      { path: '^src/config/' }, { path: SRC, pathNot: ['^src/config/', '^src/lib/'] }),
    rule('lib-is-a-leaf', 'lib imports nothing of the project.',
      { path: '^src/lib/' }, { path: SRC, pathNot: '^src/lib/' }),
    rule('registry-at-the-root', 'Only the composition root reads the registry; the rest is handed it.',
      { path: SRC, pathNot: '^src/(app|runtime|main|bootstrap)\\.ts$|^src/channels/registry\\.ts$' },
      { path: '^src/channels/registry\\.ts$' }),
    rule('src-never-imports-tests', '', { path: SRC }, { path: '^test/' }),
    rule('fixture-channel-stays-outside-src', 'Proves one folder + one line (npm run deps cruises it beside src).',
      { path: '^test/fixtures/channels/' },
      { path: '^src/', pathNot: ['^src/core/(index\\.ts$|vocabulary/|ports/channel\\.ts$)', '^src/channels/kit/',
        '^src/sandbox/(types|receipts|post-webhook)\\.ts$', '^src/lib/'] }),
  ],
  options: {
    tsPreCompilationDeps: true,            // type-only imports count: a type cycle is still a cycle
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
