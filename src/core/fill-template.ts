/**
 * Stored templates: a send's `{ template, parameters }` becomes the canonical message of the
 * template's variant for the channel (or its `default`), with every `{{name}}` in its strings
 * replaced. Missing and unknown parameters are reported each by name; the filled message is
 * checked against the canonical schema, since a value can make it invalid (too long, not a URL).
 */
import type { ErrorObject } from 'ajv';
import { validatorOnFirstUse } from '../lib/schema-validator.ts';
import { mapStrings } from './map-strings.ts';
import type { StoredTemplate } from './ports/store.ts';
import { checkCanonicalMessage } from './rules/send/canonical-message.ts';
import type { FieldIssue } from './vocabulary/channel.ts';
import { CanonicalMessage } from './vocabulary/message.ts';

const canonicalValidator = validatorOnFirstUse(CanonicalMessage);

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Every `{{name}}` in the strings of a value. */
export function placeholders(value: unknown): Set<string> {
  const found = new Set<string>();
  mapStrings(value, (s) => {
    for (const m of s.matchAll(PLACEHOLDER)) found.add(m[1] as string);
    return s;
  });
  return found;
}

const fill = (value: unknown, values: Record<string, string>): unknown =>
  mapStrings(value, (s) => s.replace(PLACEHOLDER, (_m, name: string) => values[name] ?? ''));

const schemaIssues = (errors: ErrorObject[] | null | undefined, prefix: string, why: string): FieldIssue[] =>
  (errors ?? []).map((e) => ({
    pointer: `${prefix}${e.instancePath}`,
    rule: e.keyword,
    detail: `${e.message ?? 'is invalid'} ${why}`,
  }));

/**
 * Problems with a variant as stored: it must be a canonical message once filled. Parameters can
 * stand for a URL, a number or words, so the variant passes if it is valid filled with any of a
 * few typical values; the send checks the real values again.
 */
export function checkVariant(variant: unknown, pointer: string): FieldIssue[] {
  let first: FieldIssue[] | undefined;
  for (const sample of ['https://example.com/1', '1', 'x']) {
    const filled = fill(variant, new Proxy({}, { get: () => sample }) as Record<string, string>);
    const validCanonical = canonicalValidator();
    const issues = validCanonical(filled)
      ? checkCanonicalMessage(filled as CanonicalMessage).map((i) => ({
          ...i,
          pointer: `${pointer}${i.pointer.replace(/^\/message/, '')}`,
        }))
      : schemaIssues(validCanonical.errors, pointer, '(with its parameters filled)');
    if (issues.length === 0) return [];
    first ??= issues;
  }
  return first ?? [];
}

export function fillTemplate(
  template: StoredTemplate,
  channel: string,
  given: Record<string, string> = {},
): { message: CanonicalMessage } | { issues: FieldIssue[] } {
  const variant = template.variants[channel] ?? template.variants['default'];
  if (variant === undefined) {
    return {
      issues: [
        {
          pointer: '/message/template',
          rule: 'template_variant',
          detail: `template ${template.name} v${template.version} has no ${channel} variant and no default`,
        },
      ],
    };
  }
  const issues: FieldIssue[] = [];
  const values: Record<string, string> = {};
  const declared = new Set(template.parameters.map((p) => p.name));
  for (const p of template.parameters) {
    const value = given[p.name] ?? p.default;
    if (value !== undefined) values[p.name] = value;
    else if (p.required !== false) {
      issues.push({
        pointer: `/message/parameters/${p.name}`,
        rule: 'required',
        detail: `template ${template.name} needs ${p.name}`,
      });
    }
  }
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      issues.push({
        pointer: `/message/parameters/${name}`,
        rule: 'additionalProperties',
        detail: `is not a parameter of template ${template.name}`,
      });
    }
  }
  if (issues.length > 0) return { issues };
  const message = fill(variant, values);
  const validCanonical = canonicalValidator();
  if (!validCanonical(message)) {
    return {
      issues: schemaIssues(validCanonical.errors, '/message', `after filling template ${template.name}`),
    };
  }
  return { message: message as CanonicalMessage };
}
