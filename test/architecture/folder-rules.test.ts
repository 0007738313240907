/**
 * The folder rules (.dependency-cruiser.cjs) bite: run against a small tree that breaks each of
 * them once (test/fixtures/folder-rules/, laid out like the project so the rules' `^src/` paths
 * apply), they report exactly those imports and none of the allowed ones beside them; run against
 * the project's own src/, they report nothing. A rule whose paths stop matching anything would
 * otherwise pass forever in silence.
 */
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/folder-rules/', import.meta.url));

interface Violation {
  rule: string;
  from: string;
  to: string;
}

let options: ICruiseOptions;
let inFixture: Violation[];
beforeAll(async () => {
  options = await extractDepcruiseOptions(`${ROOT}.dependency-cruiser.cjs`);
  inFixture = await violations(FIXTURE, ['src', 'test']);
});

async function violations(
  baseDir: string,
  folders: string[],
  transpile?: Parameters<typeof cruise>[3],
): Promise<Violation[]> {
  const { output } = await cruise(folders, { ...options, baseDir }, undefined, transpile);
  return (output as ICruiseResult).summary.violations
    .map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }))
    .sort((a, b) => `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`));
}

describe('folder rules', () => {
  it('every rule is an error', () => {
    const rules = options.ruleSet?.forbidden ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.severity, rule.name).toBe('error');
  });

  it('refuse each deliberate violation of the fixture tree, and only those', async () => {
    expect(inFixture).toEqual([
      { rule: 'adapters-reach-core-and-lib', from: 'src/store/rows.ts', to: 'src/webhooks/sign.ts' },
      { rule: 'api-is-http-only', from: 'src/api/routes.ts', to: 'src/store/rows.ts' },
      {
        rule: 'channel-reaches-core-kit-lib',
        from: 'src/channels/alpha/render.ts',
        to: 'src/channels/beta/render.ts',
      },
      {
        rule: 'compat-through-core-entry',
        from: 'src/compat/vendor/translate.ts',
        to: 'src/channels/alpha/render.ts',
      },
      { rule: 'config-reads-env-only', from: 'src/config/config.ts', to: 'src/channels/beta/render.ts' },
      {
        rule: 'connector-never-imports-emulator',
        from: 'src/channels/alpha/check.ts',
        to: 'src/channels/alpha/emulator/index.ts',
      },
      { rule: 'core-imports-lib-only', from: 'src/core/send.ts', to: 'src/store/rows.ts' },
      {
        rule: 'core-no-drivers',
        from: 'src/core/server.ts',
        to: expect.stringMatching(/node_modules\/fastify\//),
      },
      {
        rule: 'emulator-reaches-sandbox-lib-facts',
        from: 'src/channels/alpha/emulator/index.ts',
        to: 'src/store/rows.ts',
      },
      {
        rule: 'fixture-channel-stays-outside-src',
        from: 'test/fixtures/channels/fake/index.ts',
        to: 'src/store/rows.ts',
      },
      { rule: 'http-plumbing', from: 'src/http/problem.ts', to: 'src/compat/vendor/translate.ts' },
      { rule: 'kit-reaches-core-lib', from: 'src/channels/kit/notes.ts', to: 'src/channels/beta/render.ts' },
      { rule: 'lib-is-a-leaf', from: 'src/lib/leaf.ts', to: 'src/core/vocabulary/word.ts' },
      { rule: 'no-cycles', from: 'src/dispatch/claim.ts', to: 'src/dispatch/lease.ts' },
      { rule: 'registry-at-the-root', from: 'src/cli.ts', to: 'src/channels/registry.ts' },
      { rule: 'sandbox-reaches-lib-http', from: 'src/sandbox/host.ts', to: 'src/channels/beta/render.ts' },
      { rule: 'src-never-imports-tests', from: 'src/webhooks/test-helper.ts', to: 'test/helper.ts' },
    ]);
  });

  it('have a fixture for every rule, so none can stop matching unnoticed', () => {
    const found = new Set(inFixture.map((v) => v.rule));
    const declared = (options.ruleSet?.forbidden ?? []).map((r) => r.name);
    expect([...found].sort()).toEqual([...new Set(declared)].sort());
  });

  it('hold in the project: src/ breaks none of them', async () => {
    const tsConfig = extractTSConfig(`${ROOT}tsconfig.json`);
    expect(await violations(ROOT, ['src'], { tsConfig })).toEqual([]);
  });
});
