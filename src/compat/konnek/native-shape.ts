/**
 * The native send trusts its caller to hand it a schema-valid message and channel options (the
 * native API validates both at the door), so what the façade built is checked here against the
 * same schemas: a Konnek value that makes it invalid (a media URL that is not http, a latitude of
 * 200) is refused naming the Konnek field, rather than stored.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ChannelConnector, FieldIssue } from '../../core/index.ts';
import { CanonicalMessage } from '../../core/index.ts';
import { issuesFromAjv } from '../../http/problem.ts';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, strict: false });
addFormats(ajv);
const validMessage = ajv.compile(CanonicalMessage);
const validOptions = new Map<string, ValidateFunction>();

function optionsValidator(connector: ChannelConnector): ValidateFunction | undefined {
  if (connector.optionsSchema === undefined) return undefined;
  let validate = validOptions.get(connector.name);
  if (validate === undefined) {
    validate = ajv.compile(connector.optionsSchema);
    validOptions.set(connector.name, validate);
  }
  return validate;
}

/** Problems with the message and the channel's options, as pointers into the native command. */
export function nativeShapeIssues(
  connector: ChannelConnector,
  message: CanonicalMessage,
  options: Record<string, unknown> | undefined,
): FieldIssue[] {
  const issues = validMessage(message) ? [] : issuesFromAjv(validMessage.errors ?? [], 'message');
  const own = options?.[connector.name];
  const validate = own === undefined ? undefined : optionsValidator(connector);
  if (validate && !validate(own)) {
    issues.push(...issuesFromAjv(validate.errors ?? [], `options/${connector.name}`));
  }
  return issues;
}
