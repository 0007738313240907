/**
 * Validates Bot API parameters generically against api.json: every method's fields with their
 * types (Integer, Float, String, Boolean, True, InputFile, `Array of X` to any depth, object types
 * by name, unions of alternatives, abstract types by their subtypes), and the limits the reference
 * states in prose, read from the descriptions once ("1-4096 characters", "1-64 bytes",
 * "must include 2-10 items", `must be one of "a", "b"`, "must be photo", "HTTP or tg:// URL",
 * "Exactly one of the fields other than text ... must be used", applied to buttons the way the
 * Bot API server applies it: BUTTON_ACTIONS). Problems are worded as Telegram words them where its
 * wording is known (`message is too long`, `BUTTON_DATA_INVALID`, ...).
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { codePointLength, utf8Length } from '../../../lib/text.ts';
import type { SpecField, SpecMethod, SpecType, TelegramApiSpec } from './spec-files.ts';

const ARRAY_OF = 'Array of ';

/** The limits a field's description states. */
export interface FieldRules {
  length?: { min: number; max: number; unit: 'characters' | 'bytes' };
  items?: { min: number; max: number };
  oneOf?: string[];
  exact?: string;
  url?: RegExp;
}

/** Reads the limits out of one field description. */
export function rulesFromDescription(name: string, description: string): FieldRules {
  const rules: FieldRules = {};
  const length = /\b(\d+)-(\d+) (characters|bytes)\b/.exec(description);
  if (length) {
    rules.length = {
      min: Number(length[1]),
      max: Number(length[2]),
      unit: length[3] === 'bytes' ? 'bytes' : 'characters',
    };
  }
  const items = /\b(\d+)-(\d+) items\b/.exec(description);
  if (items) rules.items = { min: Number(items[1]), max: Number(items[2]) };
  const oneOf = /must be one of ([^.]*)/i.exec(description);
  if (oneOf?.[1] !== undefined) {
    // Only a clean list of quoted values ("a", "b", or "c"), comments in brackets allowed.
    const list = oneOf[1].replace(/\s*\([^)]*\)/g, '').trim();
    if (/^"[^"]+"(\s*,\s*(or\s+)?"[^"]+"|\s+or\s+"[^"]+")*$/.test(list)) {
      rules.oneOf = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    }
  }
  if (name === 'type') {
    const exact = /must be ([A-Za-z_]+)$/.exec(description.trim());
    if (exact?.[1] !== undefined) rules.exact = exact[1];
  }
  if (/HTTP or tg:\/\/ URL/.test(description)) rules.url = /^(https?|tg):\/\/\S+$/i;
  return rules;
}

/** "Exactly one of the fields other than text, icon_custom_emoji_id, and style must be used". */
export interface Exclusivity {
  mode: 'exactly' | 'at most';
  except: string[];
}

export function exclusivityFromDescription(description: string): Exclusivity | undefined {
  const m = /\b(Exactly|At most) one of the fields other than ([A-Za-z_, ]+?) must be used/i.exec(
    description,
  );
  if (!m?.[1] || !m[2]) return undefined;
  const except = m[2]
    .split(/\s*,\s*(?:and\s+)?|\s+and\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return { mode: m[1].toLowerCase() === 'exactly' ? 'exactly' : 'at most', except };
}

/** How the server decides a button field is set: a string when not empty, a flag when true, else when present. */
type Taken = 'nonEmpty' | 'true' | 'present';

/**
 * Where the reference says a button takes "exactly one" (inline) or "at most one" (reply keyboard)
 * action field, the Bot API server does not count them: it looks for them in this order and takes
 * the first one set, never reading the rest (telegram-bot-api Client.cpp,
 * get_inline_keyboard_button_type and get_keyboard_button_type). `url` and `callback_data` are set
 * only when not empty, the reply keyboard's request flags only when true. An inline button with none
 * set is refused ("Text buttons are unallowed"); a reply keyboard button with none is a text button.
 * Fields the reference adds later, not in these lists, are looked for after them.
 */
export const BUTTON_ACTIONS: Readonly<Record<string, ReadonlyArray<readonly [string, Taken]>>> = {
  InlineKeyboardButton: [
    ['url', 'nonEmpty'],
    ['callback_data', 'nonEmpty'],
    ['callback_game', 'present'],
    ['pay', 'present'],
    ['switch_inline_query', 'present'],
    ['switch_inline_query_chosen_chat', 'present'],
    ['switch_inline_query_current_chat', 'present'],
    ['login_url', 'present'],
    ['web_app', 'present'],
    ['copy_text', 'present'],
  ],
  KeyboardButton: [
    ['request_contact', 'true'],
    ['request_location', 'true'],
    ['request_poll', 'present'],
    ['web_app', 'present'],
    ['request_users', 'present'],
    ['request_chat', 'present'],
  ],
};

function isTaken(value: unknown, how: Taken): boolean {
  if (how === 'nonEmpty') return value !== '';
  if (how === 'true') return value === true;
  return true;
}

/**
 * The action field the server takes from a button of `typeName` (see BUTTON_ACTIONS), or undefined
 * when none is set. `fields`: the type's action fields in the reference, for those not listed.
 */
export function takenButtonAction(
  typeName: string,
  button: Obj,
  fields: readonly string[],
): string | undefined {
  const listed = BUTTON_ACTIONS[typeName] ?? [];
  const order: Array<readonly [string, Taken]> = [
    ...listed,
    ...fields.filter((f) => !listed.some(([name]) => name === f)).map((f) => [f, 'present'] as const),
  ];
  for (const [name, how] of order) {
    const value = button[name];
    if (value !== undefined && value !== null && isTaken(value, how)) return name;
  }
  return undefined;
}

export class TelegramValidator {
  private readonly methods = new Map<string, SpecMethod>();
  private readonly rules = new WeakMap<SpecField, FieldRules>();
  private readonly exclusivity = new Map<string, Exclusivity | undefined>();

  constructor(readonly spec: TelegramApiSpec) {
    for (const method of Object.values(spec.methods)) this.methods.set(method.name.toLowerCase(), method);
  }

  /** Telegram method names are case-insensitive. */
  method(name: string): SpecMethod | undefined {
    return this.methods.get(name.toLowerCase());
  }

  /**
   * The problem Telegram would answer (without the `Bad Request: ` prefix), or undefined. A
   * parameter the method does not have is ignored, as the Bot API server ignores it: it reads each
   * parameter it knows by name (telegram-bot-api Client.cpp, `query->arg("…")`) and never lists
   * the others.
   */
  validate(method: SpecMethod, params: Obj): string | undefined {
    const fields = method.fields ?? [];
    for (const f of fields) {
      const value = params[f.name];
      if (value === undefined || value === null) {
        if (f.required) return f.name === 'text' ? 'message text is empty' : `${f.name} is empty`;
        continue;
      }
      const problem = this.field(value, f, f.name);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  /** Form fields and query parameters are strings; those of other types carry JSON, as Telegram reads them. */
  coerceForm(method: SpecMethod, params: Record<string, string>): Obj {
    const out: Obj = {};
    const fields = new Map((method.fields ?? []).map((f) => [f.name, f]));
    for (const [key, raw] of Object.entries(params)) {
      const f = fields.get(key);
      if (f === undefined || f.types.some((t) => t === 'String' || t === 'InputFile')) {
        out[key] = raw;
        continue;
      }
      try {
        out[key] = JSON.parse(raw);
      } catch {
        out[key] = raw;
      }
    }
    return out;
  }

  private field(value: unknown, f: SpecField, path: string): string | undefined {
    const problem = this.union(value, f.types, path);
    if (problem !== undefined) return problem;
    let rules = this.rules.get(f);
    if (rules === undefined) {
      rules = rulesFromDescription(f.name, f.description);
      this.rules.set(f, rules);
    }
    return checkRules(value, rules, path);
  }

  /** Any alternative may match; all `Array of X` alternatives merge into one array of any X. */
  private union(value: unknown, types: string[], path: string): string | undefined {
    const alternatives = types.flatMap((t) => t.split(' or ')).map((t) => t.trim());
    const arrays = alternatives.filter((t) => t.startsWith(ARRAY_OF)).map((t) => t.slice(ARRAY_OF.length));
    const others = alternatives.filter((t) => !t.startsWith(ARRAY_OF));
    let best: { score: number; problem: string } | undefined;
    const consider = (score: number, problem: string) => {
      if (best === undefined || score > best.score) best = { score, problem };
    };
    if (arrays.length > 0) {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = this.union(value[i], arrays, `${path}[${i}]`);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      consider(0, `field "${path}" must be an Array`);
    }
    for (const alt of others) {
      const problem = this.single(value, alt, path);
      if (problem === undefined) return undefined;
      consider(this.score(value, alt), problem);
    }
    return best?.problem;
  }

  /** How well an object fits a named type: the shared keys, so the closest alternative's problem is told. */
  private score(value: unknown, typeName: string): number {
    if (!isObj(value)) return 0;
    const type = this.spec.types[typeName];
    if (type === undefined) return 0;
    if (type.subtypes) return Math.max(0, ...type.subtypes.map((s) => this.score(value, s)));
    const names = new Set((type.fields ?? []).map((f) => f.name));
    return 1 + Object.keys(value).filter((k) => names.has(k)).length;
  }

  private single(value: unknown, typeName: string, path: string): string | undefined {
    const wrong = `field "${path}" must be of type ${typeName}`;
    switch (typeName) {
      case 'Integer':
        return typeof value === 'number' && Number.isInteger(value) ? undefined : wrong;
      case 'Float':
      case 'Float number':
        return typeof value === 'number' && Number.isFinite(value) ? undefined : wrong;
      case 'String':
        return typeof value === 'string' ? undefined : wrong;
      case 'Boolean':
        return typeof value === 'boolean' ? undefined : wrong;
      case 'True':
        return value === true ? undefined : wrong;
      case 'InputFile':
        // No uploads here: a file_id or an HTTP URL, which Telegram fetches itself.
        return typeof value === 'string' ? undefined : wrong;
    }
    const type = this.spec.types[typeName];
    if (type === undefined) return undefined;
    return this.object(value, type, path);
  }

  private object(value: unknown, type: SpecType, path: string): string | undefined {
    const description = (type.description ?? []).join(' ');
    if (type.subtypes !== undefined) {
      const given = isObj(value) ? value['type'] : undefined;
      if (typeof given === 'string') {
        const match = type.subtypes.find((s) => this.typeLiteral(s) === given);
        if (match === undefined) return `can't parse ${type.name} "${path}": unsupported type "${given}"`;
        return this.single(value, match, path);
      }
      const problems = type.subtypes.map((s) => this.single(value, s, path));
      return problems.includes(undefined) ? undefined : `field "${path}" must be of type ${type.name}`;
    }
    if (type.fields === undefined) {
      return isObj(value) ? undefined : `field "${path}" must be of type ${type.name}`;
    }
    if (typeof value === 'string' && /String can be used instead of this object/.test(description)) {
      return undefined;
    }
    if (!isObj(value)) return `field "${path}" must be of type ${type.name}`;
    const exclusivity = this.exclusivityOf(type, description);
    if (exclusivity !== undefined) return this.button(value, type, exclusivity, path);
    // Unknown fields of an object are ignored too: the server reads the fields it knows by name
    // (`object.get_optional_string_field("url")` and the like in Client.cpp).
    return this.fields(value, type.fields, path);
  }

  /** The first problem of `fields` of `value`: a required one missing, or one not of its type. */
  private fields(value: Obj, fields: readonly SpecField[], path: string): string | undefined {
    for (const f of fields) {
      const v = value[f.name];
      if (v === undefined || v === null) {
        if (f.required) return `field "${path}.${f.name}" is empty`;
        continue;
      }
      const problem = this.field(v, f, `${path}.${f.name}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  /**
   * An object of which the reference says "exactly one" or "at most one" field must be used (a
   * button), read as the server reads it (BUTTON_ACTIONS): its label fields, then its action fields in
   * the server's order up to the one it takes, which alone is held to its rules; the fields after
   * it are never read. One it passes over (an empty `url`) must still be of its type.
   */
  private button(value: Obj, type: SpecType, rule: Exclusivity, path: string): string | undefined {
    const { except } = rule;
    const fields = type.fields ?? [];
    const labels = this.fields(
      value,
      fields.filter((f) => except.includes(f.name)),
      path,
    );
    if (labels !== undefined) return labels;
    const actions = fields.filter((f) => !except.includes(f.name));
    const taken = takenButtonAction(
      type.name,
      value,
      actions.map((f) => f.name),
    );
    for (const [name] of BUTTON_ACTIONS[type.name] ?? []) {
      if (name === taken) break;
      const f = actions.find((a) => a.name === name);
      const v = value[name];
      if (f === undefined || v === undefined || v === null) continue;
      const problem = this.union(v, f.types, `${path}.${name}`);
      if (problem !== undefined) return problem;
    }
    if (taken === undefined) {
      if (rule.mode === 'at most') return undefined;
      return type.name === 'InlineKeyboardButton'
        ? "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        : `can't parse ${type.name} "${path}": one of the fields other than ${except.join(', ')} must be used`;
    }
    const f = actions.find((a) => a.name === taken);
    return f === undefined ? undefined : this.field(value[taken], f, `${path}.${taken}`);
  }

  private exclusivityOf(type: SpecType, description: string): Exclusivity | undefined {
    if (!this.exclusivity.has(type.name)) {
      this.exclusivity.set(type.name, exclusivityFromDescription(description));
    }
    return this.exclusivity.get(type.name);
  }

  /** The `type` a subtype of an abstract type must carry ("Type of the media, must be photo"). */
  private typeLiteral(typeName: string): string | undefined {
    const field = this.spec.types[typeName]?.fields?.find((f) => f.name === 'type');
    return field === undefined ? undefined : rulesFromDescription('type', field.description).exact;
  }
}

function checkRules(value: unknown, rules: FieldRules, path: string): string | undefined {
  if (typeof value === 'string') {
    if (rules.length) {
      const { min, max, unit } = rules.length;
      // tdlib counts its length limits in Unicode characters (utf8_length), not UTF-16 units.
      const n = unit === 'bytes' ? utf8Length(value) : codePointLength(value);
      if (n < min || n > max) return lengthProblem(path, n < min, rules.length);
    }
    if (rules.oneOf && !rules.oneOf.includes(value)) {
      return `field "${path}" must be one of ${rules.oneOf.map((v) => `"${v}"`).join(', ')}`;
    }
    if (rules.exact !== undefined && value !== rules.exact) return `field "${path}" must be "${rules.exact}"`;
    if (rules.url && !rules.url.test(value)) {
      return `inline keyboard button URL '${value}' is invalid: Unsupported URL protocol`;
    }
  }
  if (Array.isArray(value) && rules.items) {
    const { min, max } = rules.items;
    if (value.length < min || value.length > max) return `${path} must include ${min}-${max} items`;
  }
  return undefined;
}

/** Telegram's own words for the limits everyone hits; a plain statement for the rest. */
function lengthProblem(
  path: string,
  tooShort: boolean,
  { min, max, unit }: NonNullable<FieldRules['length']>,
): string {
  if (path.endsWith('callback_data')) return 'BUTTON_DATA_INVALID';
  if (path === 'text') return tooShort ? 'message text is empty' : 'message is too long';
  if (path === 'caption') return 'message caption is too long';
  if (tooShort && min === 1) return `${path} is empty`;
  return `field "${path}" must be ${min}-${max} ${unit === 'bytes' ? 'bytes' : 'characters'} long`;
}
