/**
 * Finds Telegram's Bot API description (`api.json`: every method and type with its fields, as the
 * reference publishes them), vendored verbatim in `specs/telegram` (see src/sandbox/specs.ts), so the
 * emulator validates against the provider's words rather than hand-copied shapes.
 */
import { readFileSync } from 'node:fs';
import { findSpecFile } from '../../../sandbox/specs.ts';

export const TELEGRAM_SPEC_FILE = 'api.json';

export interface SpecField {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}
export interface SpecMethod {
  name: string;
  fields?: SpecField[];
  returns: string[];
}
export interface SpecType {
  name: string;
  description?: string[];
  fields?: SpecField[];
  subtypes?: string[];
}
export interface TelegramApiSpec {
  version?: string;
  methods: Record<string, SpecMethod>;
  types: Record<string, SpecType>;
}

export function findTelegramSpecFile(env: NodeJS.ProcessEnv = process.env): string {
  return findSpecFile(`telegram/${TELEGRAM_SPEC_FILE}`, env);
}

export function loadTelegramSpec(file: string = findTelegramSpecFile()): TelegramApiSpec {
  const doc: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof doc !== 'object' ||
    doc === null ||
    typeof (doc as TelegramApiSpec).methods !== 'object' ||
    typeof (doc as TelegramApiSpec).types !== 'object'
  ) {
    throw new Error(`${file} is not a Telegram Bot API description ({methods, types})`);
  }
  return doc as TelegramApiSpec;
}
